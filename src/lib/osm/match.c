/*
 * match.c - corridor links matched to an imported network (an import-osm
 * output): each link of the curated corridor dataset takes its geometry
 * and distance from the OpenStreetMap lines between its two places.
 *
 * For a link of mode m (rail: of gauge g), each end place snaps to the
 * nearest imported place that has a link of m (rail: of gauge g) within
 * the radius; a shortest path by distance on those imported links joins
 * the two (one-way roads respected from `from` to `to`); the match is
 * accepted when its length is within the tolerance of the corridor
 * link's distance_km (|osm - old| <= tolerance x old), since a path much
 * longer or shorter is a detour or a different line, not the same link.
 * The output dataset is the corridor's with, for every accepted link, the
 * OSM path's length as distance_km, its line as geometry (the snapped OSM
 * places and the ways' nodes) and S-osm added to its sources; the report
 * lists every link: matched (OSM and old length, difference, the OSM link
 * ids it follows) or why not.  Everything else is copied unchanged;
 * explicit durations and tariffs keep their own sources.
 */
#include <dirent.h>
#include <limits.h>
#include <stdarg.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/csv.h"
#include "osm/osmgraph.h"
#include "silkroute.h"
#include "core/util.h"

enum { M_MATCHED, M_NO_MODE, M_END_FROM, M_END_TO, M_ENDS_MEET, M_NO_PATH, M_IMPLAUSIBLE };
static const char *const status_name[] = {"matched",   "no_osm_lines", "end_not_found", "end_not_found",
                                          "ends_meet", "no_path",      "implausible_length"};

typedef struct mres {
    int status;
    long a, b;              /* imported places, -1 */
    double snap_a, snap_b, osm_km;
    char *geom, *ids;
} mres;

typedef struct gcache {
    sr_mode mode;
    unsigned gauge;
    sr__og g;
} gcache;

static void seterr(char *err, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void seterr(char *err, size_t cap, const char *fmt, ...)
{
    if (!err || !cap)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, cap, fmt, ap);
    va_end(ap);
}

static void csvf(FILE *f, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

static int copy_file(const char *src, const char *dst, const char *mode)
{
    FILE *in = fopen(src, "rb");
    if (!in)
        return -1;
    FILE *out = fopen(dst, mode);
    if (!out) {
        fclose(in);
        return -1;
    }
    char buf[65536];
    size_t n;
    int rc = 0;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0)
        if (fwrite(buf, 1, n, out) != n)
            rc = -1;
    if (ferror(in))
        rc = -1;
    fclose(in);
    if (fclose(out) != 0)
        rc = -1;
    return rc;
}

/* Copy the regular files of src into dst (and of its subdirectories, one
 * level: documents/), except links.csv and sources.csv at the top. */
static int copy_dir(const char *src, const char *dst, int top, char *err, size_t cap)
{
    DIR *d = opendir(src);
    if (!d) {
        seterr(err, cap, "%s: cannot read the directory: %s", src, strerror(errno));
        return -1;
    }
    struct dirent *e;
    int rc = 0;
    while (rc == 0 && (e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        if (top && (!strcmp(e->d_name, "links.csv") || !strcmp(e->d_name, "sources.csv")))
            continue;
        char a[4200], b[4200];
        snprintf(a, sizeof a, "%s/%s", src, e->d_name);
        snprintf(b, sizeof b, "%s/%s", dst, e->d_name);
        struct stat st;
        if (stat(a, &st) != 0)
            continue;
        if (S_ISREG(st.st_mode)) {
            if (copy_file(a, b, "wb") != 0) {
                seterr(err, cap, "%s: cannot copy to %s: %s", a, b, strerror(errno));
                rc = -1;
            }
        } else if (S_ISDIR(st.st_mode) && top) {
            if (mkdir(b, 0777) != 0 && errno != EEXIST) {
                seterr(err, cap, "%s: cannot create: %s", b, strerror(errno));
                rc = -1;
            } else {
                rc = copy_dir(a, b, 0, err, cap);
            }
        }
    }
    closedir(d);
    return rc;
}

static sr__og *graph_for(gcache *gc, size_t *n, sr_mode mode, unsigned gauge, const sr_network *imp)
{
    for (size_t i = 0; i < *n; i++)
        if (gc[i].mode == mode && gc[i].gauge == gauge)
            return &gc[i].g;
    if (*n == 16)
        return NULL;
    gc[*n].mode = mode;
    gc[*n].gauge = gauge;
    if (sr__og_build(&gc[*n].g, imp, mode, gauge, 0) < 0)
        return NULL;
    return &gc[(*n)++].g;
}

/* The line of a path: the first snapped place, each way's nodes in the
 * direction travelled, each place passed. */
static int path_line(const sr_network *imp, const sr__og *g, long a, const uint32_t *arcs, size_t n, sr__buf *geom,
                     sr__buf *ids)
{
    const sr_place *p = sr_network_place(imp, (size_t)a);
    sr__buf_printf(geom, "%.7f %.7f", p->lon, p->lat);
    for (size_t i = 0; i < n; i++) {
        const sr_link *k = sr_network_link(imp, g->arc_link[arcs[i]]);
        int fwd = g->arc_from[arcs[i]] == k->from;
        for (uint32_t j = 0; j < k->n_geom; j++) {
            uint32_t q = fwd ? j : k->n_geom - 1 - j;
            sr__buf_printf(geom, ";%.7f %.7f", k->geom[2 * q], k->geom[2 * q + 1]);
        }
        p = sr_network_place(imp, g->arc_to[arcs[i]]);
        sr__buf_printf(geom, ";%.7f %.7f", p->lon, p->lat);
        sr__buf_printf(ids, "%s%s", i ? ";" : "", k->id);
    }
    return geom->failed || ids->failed ? -1 : 0;
}

static sr_code match_links(const sr_network *cor, const sr_network *imp, double radius, double tol, mres *res,
                           sr_match_stats *st, char *err, size_t cap)
{
    gcache gc[16];
    size_t ng = 0;
    sr_code rc = SR_OK;
    uint32_t *arcs = NULL;
    size_t cap_arcs = 0;
    for (size_t l = 0; l < sr_network_link_count(cor) && rc == SR_OK; l++) {
        const sr_link *k = sr_network_link(cor, l);
        mres *m = &res[l];
        m->a = m->b = -1;
        m->snap_a = m->snap_b = HUGE_VAL;
        sr__og *g = graph_for(gc, &ng, k->mode, k->mode == SR_RAIL ? k->gauge_mm : 0, imp);
        if (!g) {
            rc = SR_ENOMEM;
            break;
        }
        st->links++;
        if (!g->n_arcs) {
            m->status = M_NO_MODE;
            st->no_osm_lines++;
            continue;
        }
        const sr_place *pa = sr_network_place(cor, k->from), *pb = sr_network_place(cor, k->to);
        m->a = sr__og_nearest(g, pa->lat, pa->lon, radius, &m->snap_a);
        m->b = sr__og_nearest(g, pb->lat, pb->lon, radius, &m->snap_b);
        if (m->a < 0 || m->b < 0) {
            m->status = m->a < 0 ? M_END_FROM : M_END_TO;
            st->end_not_found++;
            continue;
        }
        if (m->a == m->b) {
            m->status = M_ENDS_MEET;
            st->ends_meet++;
            continue;
        }
        uint32_t t = (uint32_t)m->b;
        if (sr__og_search(g, (uint32_t)m->a, 0, &t, 1) < 0) {
            rc = SR_ENOMEM;
            break;
        }
        if (!sr__og_reached(g, t)) {
            m->status = M_NO_PATH;
            st->no_path++;
            continue;
        }
        m->osm_km = sr__og_dist(g, t);
        if (fabs(m->osm_km - k->distance_km) > tol * k->distance_km) {
            m->status = M_IMPLAUSIBLE;
            st->implausible++;
            continue;
        }
        size_t n = sr__og_path(g, t, NULL, 0);
        if (n > cap_arcs) {
            uint32_t *na = realloc(arcs, n * sizeof *na);
            if (!na) {
                rc = SR_ENOMEM;
                break;
            }
            arcs = na;
            cap_arcs = n;
        }
        sr__og_path(g, t, arcs, n);
        sr__buf geom, ids;
        sr__buf_init(&geom, (size_t)1 << 28);
        sr__buf_init(&ids, (size_t)1 << 26);
        if (path_line(imp, g, m->a, arcs, n, &geom, &ids) < 0) {
            sr__buf_free(&geom);
            sr__buf_free(&ids);
            rc = SR_ENOMEM;
            break;
        }
        m->geom = sr__buf_take(&geom);
        m->ids = sr__buf_take(&ids);
        if (!m->geom || !m->ids) {
            rc = SR_ENOMEM;
            break;
        }
        m->status = M_MATCHED;
        st->matched++;
    }
    if (rc == SR_ENOMEM)
        seterr(err, cap, "out of memory matching the corridor links");
    for (size_t i = 0; i < ng; i++)
        sr__og_free(&gc[i].g);
    free(arcs);
    return rc;
}

/* links.csv again, every column kept, distance_km, geometry and source
 * replaced where the link matched. */
static sr_code write_links(const char *cdir, const char *out, const sr_network *cor, const mres *res, char *err,
                           size_t cap)
{
    char in[4200], path[4200];
    snprintf(in, sizeof in, "%s/links.csv", cdir);
    snprintf(path, sizeof path, "%s/links.csv", out);
    sr__csv csv;
    if (sr__csv_open(&csv, in, "links.csv") != 0) {
        seterr(err, cap, "%s", csv.err);
        sr_code c = csv.code;
        sr__csv_close(&csv);
        return c;
    }
    FILE *f = fopen(path, "w");
    if (!f) {
        seterr(err, cap, "%s: cannot write: %s", path, strerror(errno));
        sr__csv_close(&csv);
        return SR_EIO;
    }
    int c_id = sr__csv_col(&csv, "id"), c_km = sr__csv_col(&csv, "distance_km"),
        c_geom = sr__csv_col(&csv, "geometry"), c_src = sr__csv_col(&csv, "source");
    for (int i = 0; i < csv.nh; i++) {
        fputs(i ? "," : "", f);
        csvf(f, csv.header[i]);
    }
    fputs(c_geom < 0 ? ",geometry\n" : "\n", f);
    int r;
    sr_code rc = SR_OK;
    while ((r = sr__csv_next(&csv)) == 1) {
        const char *id = sr__csv_get(&csv, c_id);
        const mres *m = NULL;
        for (size_t l = 0; l < sr_network_link_count(cor); l++)
            if (!strcmp(sr_network_link(cor, l)->id, id)) {
                m = res[l].status == M_MATCHED ? &res[l] : NULL;
                break;
            }
        int nc = csv.nh + (c_geom < 0);
        for (int i = 0; i < nc; i++) {
            fputs(i ? "," : "", f);
            const char *v = i < csv.nh ? sr__csv_get(&csv, i) : "";
            if (m && i == c_km) {
                fprintf(f, "%.3f", m->osm_km);
            } else if (m && (i == c_geom || (c_geom < 0 && i == csv.nh))) {
                fputs(m->geom, f);
            } else if (m && i == c_src && !strstr(v, "S-osm")) {
                char s[4096];
                snprintf(s, sizeof s, "%s%sS-osm", v, *v ? ";" : "");
                csvf(f, s);
            } else {
                csvf(f, v);
            }
        }
        fputc('\n', f);
    }
    if (r < 0) {
        seterr(err, cap, "%s", csv.err);
        rc = csv.code;
    }
    sr__csv_close(&csv);
    if (fclose(f) != 0 && rc == SR_OK) {
        seterr(err, cap, "%s: cannot write: %s", path, strerror(errno));
        rc = SR_EIO;
    }
    return rc;
}

/* sources.csv: the corridor's, plus the imported S-osm row (the ODbL
 * attribution) in the corridor file's column order. */
static sr_code write_sources(const char *cdir, const char *idir, const char *out, char *err, size_t cap)
{
    char in[4200], path[4200], imp[4200];
    snprintf(in, sizeof in, "%s/sources.csv", cdir);
    snprintf(imp, sizeof imp, "%s/sources.csv", idir);
    snprintf(path, sizeof path, "%s/sources.csv", out);
    if (copy_file(in, path, "wb") != 0) {
        seterr(err, cap, "%s: cannot copy to %s: %s", in, path, strerror(errno));
        return SR_EIO;
    }
    sr__csv a, b;
    int ra = sr__csv_open(&a, path, "sources.csv"), rb = sr__csv_open(&b, imp, "sources.csv (imported)");
    sr_code rc = SR_OK;
    if (ra != 0 || rb != 0) {
        seterr(err, cap, "%s", ra ? a.err : b.err);
        rc = ra ? a.code : b.code;
        goto done;
    }
    int have = 0, r;
    while ((r = sr__csv_next(&a)) == 1)
        have |= !strcmp(sr__csv_get(&a, sr__csv_col(&a, "id")), "S-osm");
    int found = 0;
    while (!have && !found && (r = sr__csv_next(&b)) == 1) {
        if (strcmp(sr__csv_get(&b, sr__csv_col(&b, "id")), "S-osm"))
            continue;
        found = 1;
        FILE *f = fopen(path, "a");
        if (!f) {
            seterr(err, cap, "%s: cannot write: %s", path, strerror(errno));
            rc = SR_EIO;
            goto done;
        }
        if (a.len && a.data[a.len - 1] != '\n' && a.data[a.len - 1] != '\r')
            fputc('\n', f);
        for (int i = 0; i < a.nh; i++) {
            fputs(i ? "," : "", f);
            csvf(f, sr__csv_get(&b, sr__csv_col(&b, a.header[i])));
        }
        fputc('\n', f);
        if (fclose(f) != 0) {
            seterr(err, cap, "%s: cannot write: %s", path, strerror(errno));
            rc = SR_EIO;
        }
    }
    if (!have && !found) {
        seterr(err, cap, "%s: no S-osm source (not an import-osm output?)", imp);
        rc = SR_EDATA;
    }
done:
    sr__csv_close(&a);
    sr__csv_close(&b);
    return rc;
}

static sr_code write_report(const char *path, const sr_network *cor, const sr_network *imp, const mres *res,
                            double radius, char *err, size_t cap)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        seterr(err, cap, "%s: cannot write: %s", path, strerror(errno));
        return SR_EIO;
    }
    fputs("link,mode,gauge_mm,from,to,status,reason,old_km,osm_km,diff_km,diff_pct,from_osm,from_snap_km,to_osm,"
          "to_snap_km,osm_links\n",
          f);
    for (size_t l = 0; l < sr_network_link_count(cor); l++) {
        const sr_link *k = sr_network_link(cor, l);
        const mres *m = &res[l];
        const sr_place *pa = sr_network_place(cor, k->from), *pb = sr_network_place(cor, k->to);
        char reason[512] = "", g[16] = "";
        if (k->mode == SR_RAIL)
            snprintf(g, sizeof g, "%u", k->gauge_mm);
        switch (m->status) {
        case M_NO_MODE:
            snprintf(reason, sizeof reason, "the imported network has no %s%s%s links", sr_mode_name(k->mode),
                     *g ? " " : "", *g ? g : "");
            break;
        case M_END_FROM:
        case M_END_TO:
            snprintf(reason, sizeof reason, "no imported %s%s%s place within %g km of %s", sr_mode_name(k->mode),
                     *g ? " " : "", *g ? g : "", radius, m->status == M_END_FROM ? pa->id : pb->id);
            break;
        case M_ENDS_MEET:
            snprintf(reason, sizeof reason, "both ends snap to the one imported place %s",
                     sr_network_place(imp, (size_t)m->a)->id);
            break;
        case M_NO_PATH:
            snprintf(reason, sizeof reason, "no path on the imported %s lines between %s and %s",
                     sr_mode_name(k->mode), sr_network_place(imp, (size_t)m->a)->id,
                     sr_network_place(imp, (size_t)m->b)->id);
            break;
        case M_IMPLAUSIBLE:
            snprintf(reason, sizeof reason, "the OSM path is %.3f km against %.3f km (more than the tolerance)",
                     m->osm_km, k->distance_km);
            break;
        }
        csvf(f, k->id);
        fprintf(f, ",%s,%s,", sr_mode_name(k->mode), g);
        csvf(f, pa->id);
        fputc(',', f);
        csvf(f, pb->id);
        fprintf(f, ",%s,", status_name[m->status]);
        csvf(f, reason);
        fprintf(f, ",%.3f,", k->distance_km);
        if (m->status == M_MATCHED || m->status == M_IMPLAUSIBLE)
            fprintf(f, "%.3f,%.3f,%.1f", m->osm_km, m->osm_km - k->distance_km,
                    100.0 * (m->osm_km - k->distance_km) / k->distance_km);
        else
            fputs(",,", f);
        fputc(',', f);
        if (m->a >= 0)
            fprintf(f, "%s,%.3f", sr_network_place(imp, (size_t)m->a)->id, m->snap_a);
        else
            fputc(',', f);
        fputc(',', f);
        if (m->b >= 0)
            fprintf(f, "%s,%.3f", sr_network_place(imp, (size_t)m->b)->id, m->snap_b);
        else
            fputc(',', f);
        fputc(',', f);
        csvf(f, m->ids ? m->ids : "");
        fputc('\n', f);
    }
    if (fclose(f) != 0) {
        seterr(err, cap, "%s: cannot write: %s", path, strerror(errno));
        return SR_EIO;
    }
    return SR_OK;
}

static sr_code open_dir(const char *dir, const char *what, sr_network **net, char *err, size_t cap)
{
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        seterr(err, cap, "%s: the %s dataset must be a directory", dir, what);
        return SR_EIO;
    }
    sr_code c = sr_network_open(dir, net);
    if (c != SR_OK)
        seterr(err, cap, "%s (%s dataset): %s", dir, what, *net ? sr_network_errmsg(*net) : sr_strerror(c));
    return c;
}

void sr_match_options_init(sr_match_options *o)
{
    if (o)
        *o = (sr_match_options){.radius_km = SR_MATCH_RADIUS_KM, .tolerance = SR_MATCH_TOLERANCE};
}

sr_code sr_osm_match(const char *corridor_dir, const char *imported_dir, const char *out_dir, const char *report,
                     const sr_match_options *o, sr_match_stats *st, char *err, size_t errcap)
{
    sr_match_stats dummy;
    if (!st)
        st = &dummy;
    memset(st, 0, sizeof *st);
    if (err && errcap)
        *err = 0;
    sr_match_options def;
    sr_match_options_init(&def);
    if (!o)
        o = &def;
    if (!corridor_dir || !imported_dir || !out_dir) {
        seterr(err, errcap, "the corridor and imported datasets and an output directory are required");
        return SR_EARG;
    }
    if (!(o->radius_km > 0 && o->radius_km <= 100)) {
        seterr(err, errcap, "radius: %g km is not in (0, 100]", o->radius_km);
        return SR_EARG;
    }
    if (!(o->tolerance > 0 && o->tolerance <= 10)) {
        seterr(err, errcap, "tolerance: %g is not in (0, 10]", o->tolerance);
        return SR_EARG;
    }
    char rc_path[PATH_MAX], ro_path[PATH_MAX];
    if (realpath(corridor_dir, rc_path) && realpath(out_dir, ro_path) && !strcmp(rc_path, ro_path)) {
        seterr(err, errcap, "%s: the output directory must not be the corridor dataset itself", out_dir);
        return SR_EARG;
    }
    sr_network *cor = NULL, *imp = NULL;
    mres *res = NULL;
    sr_code rc = open_dir(corridor_dir, "corridor", &cor, err, errcap);
    if (rc == SR_OK)
        rc = open_dir(imported_dir, "imported", &imp, err, errcap);
    if (rc == SR_OK) {
        res = calloc(sr_network_link_count(cor) + 1, sizeof *res);
        if (!res) {
            seterr(err, errcap, "out of memory");
            rc = SR_ENOMEM;
        }
    }
    if (rc == SR_OK)
        rc = match_links(cor, imp, o->radius_km, o->tolerance, res, st, err, errcap);
    if (rc == SR_OK && mkdir(out_dir, 0777) != 0 && errno != EEXIST) {
        seterr(err, errcap, "%s: cannot create: %s", out_dir, strerror(errno));
        rc = SR_EIO;
    }
    if (rc == SR_OK && copy_dir(corridor_dir, out_dir, 1, err, errcap) != 0)
        rc = SR_EIO;
    if (rc == SR_OK)
        rc = write_links(corridor_dir, out_dir, cor, res, err, errcap);
    if (rc == SR_OK)
        rc = write_sources(corridor_dir, imported_dir, out_dir, err, errcap);
    if (rc == SR_OK) {
        /* The ODbL notice travels with the work made from the data. */
        char a[4200], b[4200];
        snprintf(a, sizeof a, "%s/NOTICE", imported_dir);
        snprintf(b, sizeof b, "%s/NOTICE", out_dir);
        struct stat sb;
        if (stat(a, &sb) == 0 && copy_file(a, b, "ab") != 0) {
            seterr(err, errcap, "%s: cannot write: %s", b, strerror(errno));
            rc = SR_EIO;
        }
    }
    if (rc == SR_OK) {
        char def_report[4200];
        snprintf(def_report, sizeof def_report, "%s/match_report.csv", out_dir);
        rc = write_report(report ? report : def_report, cor, imp, res, o->radius_km, err, errcap);
    }
    if (res)
        for (size_t l = 0; cor && l < sr_network_link_count(cor); l++) {
            free(res[l].geom);
            free(res[l].ids);
        }
    free(res);
    sr_network_close(cor);
    sr_network_close(imp);
    return rc;
}
