/*
 * analysis.c - the corridor analysis endpoints (see analysis.h):
 *
 *   GET      /v1/scenarios                 the scenario files of the dataset
 *   GET|POST /v1/assign                    base or scenario assignment (json, geojson)
 *   GET|POST /v1/assign/compare            scenario against base (json, geojson, csv)
 *   GET|POST /v1/assign/critical           critical-links ranking (json, geojson, csv)
 *   GET|POST /v1/reach                     places within a budget (json, geojson)
 *   GET|POST /v1/matrix                    sources x targets (json, csv)
 *
 * A scenario is named (?scenario=cku-2030: data/scenarios/cku-2030.scn) or
 * sent as the POST body in the scenario format (docs/SCENARIOS.md).  Reach
 * and matrix take the route options of /v1/route, in the query string or as
 * a JSON body, and hand them to the same parser (request.c) after taking
 * out their own parameters, so the options mean exactly what they mean for
 * a route.
 */
#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analysis.h"
#include "cache.h"

#define MAX_SCENARIOS 200
#define MAX_SCENARIO_FILE 65536
#define DEFAULT_TOP 20
#define MAX_TOP 1000

struct sr__analysis {
    const sr_network *net;
    unsigned max_jobs;
    atomic_long running, busy;
    sr__cache *cache;
};

sr__analysis *sr__analysis_create(const sr_network *net, unsigned max_jobs, size_t cache_bytes)
{
    sr__analysis *a = calloc(1, sizeof *a);
    if (!a)
        return NULL;
    a->net = net;
    a->max_jobs = max_jobs ? max_jobs : 2;
    atomic_init(&a->running, 0);
    atomic_init(&a->busy, 0);
    /* Answers of the default network are at most a few hundred KB (a
     * 250 x 250 matrix in JSON is about 1.5 MB); larger ones are not kept. */
    a->cache = cache_bytes ? sr__cache_create(cache_bytes, (size_t)4 << 20) : NULL;
    return a;
}

void sr__analysis_free(sr__analysis *a)
{
    if (!a)
        return;
    sr__cache_free(a->cache);
    free(a);
}

void sr__analysis_stats(sr__analysis *a, long *running, long *busy)
{
    *running = a ? atomic_load(&a->running) : 0;
    *busy = a ? atomic_load(&a->busy) : 0;
}

int sr__analysis_path(const char *p)
{
    return !strcmp(p, "/v1/scenarios") || !strcmp(p, "/v1/assign") || !strcmp(p, "/v1/assign/compare") ||
           !strcmp(p, "/v1/assign/critical") || !strcmp(p, "/v1/reach") || !strcmp(p, "/v1/matrix");
}

const char *sr__analysis_allow(const char *p)
{
    return !strcmp(p, "/v1/scenarios") ? "GET, HEAD, OPTIONS" : "GET, HEAD, POST, OPTIONS";
}

/* ---- answers ---------------------------------------------------------------- */

static void set_body(sr__answer *ans, int status, const char *ctype, char *body)
{
    ans->status = body ? status : 500;
    ans->ctype = body ? ctype : "application/json";
    ans->body = body;
    ans->len = body ? strlen(body) : 0;
}

static void fail(sr__answer *ans, int status, sr_code c, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void fail(sr__answer *ans, int status, sr_code c, const char *fmt, ...)
{
    char msg[SR__ERRLEN];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    set_body(ans, status, "application/json", sr_error_json(c, msg, 0));
}

static const char *ctype_of(const char *format)
{
    return !strcmp(format, "geojson") ? "application/geo+json" : !strcmp(format, "csv") ? "text/csv; charset=utf-8"
                                                                                        : "application/json";
}

/* 400 unless every parameter is in the NULL-terminated list. */
static int check_params(const sr__target *t, const char *const *allowed, sr__answer *ans)
{
    for (size_t i = 0; i < t->n_params; i++) {
        int ok = 0;
        for (size_t k = 0; allowed[k] && !ok; k++)
            ok = !strcmp(t->params[i].key, allowed[k]);
        if (!ok) {
            fail(ans, 400, SR_EARG, "unknown parameter '%.64s'", t->params[i].key);
            return -1;
        }
    }
    return 0;
}

/* format=...: one of the NULL-terminated list, default the first. */
static const char *get_format(const sr__target *t, const char *const *formats, sr__answer *ans)
{
    const char *f = sr__target_get(t, "format");
    if (!f)
        return formats[0];
    for (size_t i = 0; formats[i]; i++)
        if (!strcmp(f, formats[i]))
            return formats[i];
    char list[64] = "";
    for (size_t i = 0; formats[i]; i++)
        snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", i ? ", " : "", formats[i]);
    fail(ans, 400, SR_EARG, "parameter 'format': expected one of %s; got '%.32s'", list, f);
    return NULL;
}

/* ---- cache -------------------------------------------------------------------- */

/* The request as a cache key: path, parameters (repeats are refused by the
 * parser, so order is the only freedom left) and body. */
static char *cache_key(const char *path, const sr__target *t, const char *body, size_t len)
{
    size_t n = strlen(path) + len + 4;
    for (size_t i = 0; i < t->n_params; i++)
        n += strlen(t->params[i].key) + strlen(t->params[i].value) + 2;
    char *k = malloc(n + 1);
    if (!k)
        return NULL;
    size_t o = (size_t)sprintf(k, "%s\x1f", path);
    for (size_t i = 0; i < t->n_params; i++)
        o += (size_t)sprintf(k + o, "%s=%s\x1e", t->params[i].key, t->params[i].value);
    k[o++] = '\x1f';
    if (len)
        memcpy(k + o, body, len);
    k[o + len] = 0;
    return k;
}

/* ---- scenarios ------------------------------------------------------------------- */

/* A scenario name: letters, digits, '-', '_' and '.', not starting with '.',
 * so that it cannot leave the scenarios folder. */
static int good_name(const char *s)
{
    size_t n = strlen(s);
    if (!n || n > 100 || s[0] == '.')
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
              c == '.'))
            return 0;
    }
    return 1;
}

static void scenario_path(const sr_network *net, const char *name, char *out, size_t cap)
{
    size_t n = strlen(name);
    int has_ext = n > 4 && !strcmp(name + n - 4, ".scn");
    snprintf(out, cap, "%s/scenarios/%s%s", sr_network_dir(net), name, has_ext ? "" : ".scn");
}

static char *read_small(const char *path, size_t max, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *b = malloc(max + 1);
    size_t n = b ? fread(b, 1, max + 1, f) : 0;
    fclose(f);
    if (!b || n > max) {
        free(b);
        return NULL;
    }
    b[n] = 0;
    *len = n;
    return b;
}

static int by_name(const void *x, const void *y)
{
    return strcmp(json_string_value(json_object_get(*(json_t *const *)x, "name")),
                  json_string_value(json_object_get(*(json_t *const *)y, "name")));
}

static void ep_scenarios(sr__analysis *a, const sr__target *t, sr__answer *ans)
{
    static const char *const none[] = {NULL};
    if (check_params(t, none, ans))
        return;
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/scenarios", sr_network_dir(a->net));
    json_t *items[MAX_SCENARIOS];
    size_t n = 0;
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL && n < MAX_SCENARIOS) {
        size_t l = strlen(e->d_name);
        if (l < 5 || strcmp(e->d_name + l - 4, ".scn") || !good_name(e->d_name))
            continue;
        char path[4400], name[300];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        snprintf(name, sizeof name, "%.*s", (int)(l - 4), e->d_name);
        size_t len;
        char *text = read_small(path, MAX_SCENARIO_FILE, &len);
        if (!text || !sr__utf8_valid(text, len) || memchr(text, 0, len)) {
            free(text);
            continue;
        }
        /* The description: the first comment lines, without '#'. */
        char desc[512] = "";
        size_t o = 0;
        for (const char *p = text; *p == '#' && o < sizeof desc - 2;) {
            p++;
            while (*p == ' ')
                p++;
            while (*p && *p != '\n' && o < sizeof desc - 2)
                desc[o++] = *p++;
            if (*p == '\n')
                p++;
            if (*p == '#' && o < sizeof desc - 2)
                desc[o++] = ' ';
        }
        desc[o] = 0;
        items[n++] = json_pack("{s:s,s:s,s:s}", "name", name, "description", desc, "text", text);
        free(text);
    }
    if (d)
        closedir(d);
    qsort(items, n, sizeof *items, by_name);
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, items[i]);
    json_t *j = json_pack("{s:s,s:o}", "code", "Ok", "scenarios", arr);
    set_body(ans, 200, "application/json", j ? json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL);
    json_decref(j);
}

/* ---- assignments -------------------------------------------------------------------- */

/* Create a solved assignment: demand of the dataset, the year, then the
 * named scenario or the scenario text of the body (at most one).  Returns
 * the assignment, or NULL with the answer set. */
static sr_freight *solve(sr__analysis *a, const char *name, const char *body, size_t len, long year,
                         const char *what, sr__answer *ans)
{
    sr_freight *f = NULL;
    sr_code rc = sr_freight_create(a->net, &f);
    if (rc == SR_OK)
        rc = sr_freight_load_demand(f, NULL);
    if (rc == SR_OK && year)
        rc = sr_freight_set_year(f, (int)year);
    if (rc != SR_OK) {
        fail(ans, 500, rc, "demand: %s", f ? sr_freight_errmsg(f) : sr_strerror(rc));
        sr_freight_destroy(f);
        return NULL;
    }
    if (name) {
        char path[4200];
        if (!good_name(name)) {
            fail(ans, 400, SR_EARG, "parameter '%s': '%.64s' is not a scenario name (letters, digits, - _ .)", what,
                 name);
            sr_freight_destroy(f);
            return NULL;
        }
        scenario_path(a->net, name, path, sizeof path);
        if (access(path, R_OK) != 0) {
            fail(ans, 404, SR_EARG, "parameter '%s': no scenario '%.64s' (GET /v1/scenarios lists them)", what, name);
            sr_freight_destroy(f);
            return NULL;
        }
        rc = sr_freight_load_scenario(f, path);
        if (rc != SR_OK) {
            fail(ans, 500, rc, "scenario %.64s: %s", name, sr_freight_errmsg(f));
            sr_freight_destroy(f);
            return NULL;
        }
    } else if (body) {
        /* The library reads scenarios from files: a private temporary file,
         * removed at once; messages name it "body". */
        const char *tmp = getenv("TMPDIR");
        char path[4200];
        snprintf(path, sizeof path, "%s/silkroute-scenario-XXXXXX", tmp && *tmp ? tmp : "/tmp");
        int fd = mkstemp(path);
        FILE *fp = fd >= 0 ? fdopen(fd, "wb") : NULL;
        int ok = fp && fwrite(body, 1, len, fp) == len;
        if (fp)
            ok = fclose(fp) == 0 && ok;
        else if (fd >= 0)
            close(fd);
        rc = ok ? sr_freight_load_scenario(f, path) : SR_EIO;
        if (fd >= 0)
            unlink(path);
        if (rc != SR_OK) {
            char msg[SR__ERRLEN];
            const char *m = ok ? sr_freight_errmsg(f) : "cannot store the scenario";
            size_t pl = strlen(path);
            snprintf(msg, sizeof msg, "%s%s", !strncmp(m, path, pl) ? "body" : "", !strncmp(m, path, pl) ? m + pl : m);
            fail(ans, rc == SR_EDATA ? 400 : 500, rc == SR_EDATA ? SR_EARG : rc, "%s", msg);
            sr_freight_destroy(f);
            return NULL;
        }
    }
    sr_tap_options o;
    sr_tap_options_init(&o);
    o.gap = 1e-8;
    o.max_iterations = SR__ASSIGN_MAX_ITERATIONS;
    rc = sr_freight_solve(f, &o);
    if (rc != SR_OK && rc != SR_ENOTCONVERGED) {
        fail(ans, rc == SR_ENOROUTE ? 422 : 500, rc, "%s", sr_freight_errmsg(f));
        sr_freight_destroy(f);
        return NULL;
    }
    return f;
}

/* Take a computation slot; 503 when all max_jobs are in use. */
static int job_enter(sr__analysis *a, sr__answer *ans)
{
    long n = atomic_fetch_add(&a->running, 1);
    if (n >= (long)a->max_jobs) {
        atomic_fetch_sub(&a->running, 1);
        atomic_fetch_add(&a->busy, 1);
        fail(ans, 503, SR_ELIMIT, "busy: %u analysis computations are running; retry in a second", a->max_jobs);
        ans->retry_after_s = 1;
        return -1;
    }
    return 0;
}

static void job_leave(sr__analysis *a) { atomic_fetch_sub(&a->running, 1); }

static int parse_year(const sr__target *t, long *year, sr__answer *ans)
{
    const char *y = sr__target_get(t, "year");
    *year = 0;
    if (y && sr__parse_long(y, 1900, 2200, year)) {
        fail(ans, 400, SR_EARG, "parameter 'year': expected a year from 1900 to 2200; got '%.32s'", y);
        return -1;
    }
    return 0;
}

static void ep_assign(sr__analysis *a, const sr__target *t, const char *body, size_t len, int post,
                      sr__answer *ans)
{
    static const char *const allowed[] = {"scenario", "year", "format", NULL};
    static const char *const formats[] = {"json", "geojson", NULL};
    long year;
    const char *fmt;
    if (check_params(t, allowed, ans) || parse_year(t, &year, ans) || !(fmt = get_format(t, formats, ans)))
        return;
    const char *name = sr__target_get(t, "scenario");
    if (post && name) {
        fail(ans, 400, SR_EARG, "give the scenario by name (parameter 'scenario') or as the body, not both");
        return;
    }
    if (job_enter(a, ans))
        return;
    sr_freight *f = solve(a, name, post ? body : NULL, len, year, "scenario", ans);
    if (f) {
        char *s = !strcmp(fmt, "geojson") ? sr_freight_geojson(f, 0) : sr_freight_json(f, 0);
        set_body(ans, 200, ctype_of(fmt), s);
    }
    sr_freight_destroy(f);
    job_leave(a);
}

static void ep_compare(sr__analysis *a, const sr__target *t, const char *body, size_t len, int post,
                       sr__answer *ans)
{
    static const char *const allowed[] = {"scenario", "base", "year", "format", NULL};
    static const char *const formats[] = {"json", "geojson", "csv", NULL};
    long year;
    const char *fmt;
    if (check_params(t, allowed, ans) || parse_year(t, &year, ans) || !(fmt = get_format(t, formats, ans)))
        return;
    const char *name = sr__target_get(t, "scenario"), *base = sr__target_get(t, "base");
    if (post == !!name) {
        fail(ans, 400, SR_EARG,
             post ? "give the scenario by name (parameter 'scenario') or as the body, not both"
                  : "parameter 'scenario' is required (a name from GET /v1/scenarios, or POST the scenario text)");
        return;
    }
    if (job_enter(a, ans))
        return;
    sr_freight *fa = solve(a, base, NULL, 0, year, "base", ans);
    sr_freight *fb = fa ? solve(a, name, post ? body : NULL, len, year, "scenario", ans) : NULL;
    if (fa && fb) {
        char *s = !strcmp(fmt, "geojson") ? sr_freight_compare_geojson(a->net, fa, fb, 0)
                  : !strcmp(fmt, "csv")   ? sr_freight_compare_csv(a->net, fa, fb)
                                          : sr_freight_compare_json(a->net, fa, fb, base, name ? name : "body", 0);
        set_body(ans, 200, ctype_of(fmt), s);
    }
    sr_freight_destroy(fa);
    sr_freight_destroy(fb);
    job_leave(a);
}

static void ep_critical(sr__analysis *a, const sr__target *t, const char *body, size_t len, int post,
                        sr__answer *ans)
{
    static const char *const allowed[] = {"scenario", "year", "format", "loss", "top", "only", NULL};
    static const char *const formats[] = {"json", "geojson", "csv", NULL};
    long year, top = DEFAULT_TOP;
    double loss = 0.9;
    const char *fmt, *v;
    if (check_params(t, allowed, ans) || parse_year(t, &year, ans) || !(fmt = get_format(t, formats, ans)))
        return;
    if ((v = sr__target_get(t, "loss")) != NULL) {
        char *end;
        errno = 0;
        loss = strtod(v, &end);
        if (!*v || *end || errno || !(loss > 0 && loss <= 1)) {
            fail(ans, 400, SR_EARG, "parameter 'loss': expected a capacity loss fraction in (0, 1]; got '%.32s'", v);
            return;
        }
    }
    if ((v = sr__target_get(t, "top")) != NULL && sr__parse_long(v, 1, MAX_TOP, &top)) {
        fail(ans, 400, SR_EARG, "parameter 'top': expected a count from 1 to %d; got '%.32s'", MAX_TOP, v);
        return;
    }
    /* only=ID,...: rank just these links, crossings or terminals. */
    char only_buf[4096];
    const char *only[64];
    size_t n_only = 0;
    if ((v = sr__target_get(t, "only")) != NULL) {
        if (strlen(v) >= sizeof only_buf) {
            fail(ans, 400, SR_EARG, "parameter 'only': longer than %zu bytes", sizeof only_buf - 1);
            return;
        }
        snprintf(only_buf, sizeof only_buf, "%s", v);
        char *save = NULL;
        for (char *p = strtok_r(only_buf, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
            if (n_only == sizeof only / sizeof only[0]) {
                fail(ans, 400, SR_EARG, "parameter 'only': at most 64 ids");
                return;
            }
            only[n_only++] = p;
        }
    }
    const char *name = sr__target_get(t, "scenario");
    if (post && name) {
        fail(ans, 400, SR_EARG, "give the scenario by name (parameter 'scenario') or as the body, not both");
        return;
    }
    if (job_enter(a, ans))
        return;
    sr_freight *f = solve(a, name, post ? body : NULL, len, year, "scenario", ans);
    if (f) {
        sr_tap_options o;
        sr_tap_options_init(&o);
        o.gap = 1e-8;
        o.max_iterations = SR__ASSIGN_MAX_ITERATIONS;
        sr_critical *r = NULL;
        size_t n = 0;
        sr_code rc = sr_freight_critical(f, &o, loss, n_only ? only : NULL, n_only, &r, &n);
        if (rc == SR_EARG) {
            fail(ans, 400, rc, "parameter 'only': %s", sr_freight_errmsg(f));
        } else if (rc != SR_OK && rc != SR_ENOTCONVERGED) {
            fail(ans, 500, rc, "%s", sr_freight_errmsg(f));
        } else {
            size_t shown = (size_t)top < n ? (size_t)top : n;
            char *s = !strcmp(fmt, "geojson") ? sr_critical_geojson(a->net, r, shown, 0)
                      : !strcmp(fmt, "csv")   ? sr_critical_csv(a->net, r, shown)
                                              : sr_critical_json(a->net, r, shown, loss, 0);
            set_body(ans, 200, ctype_of(fmt), s);
        }
        sr_free(r);
    }
    sr_freight_destroy(f);
    job_leave(a);
}

/* ---- reach and matrix ------------------------------------------------------------------ */

/* The parameters of reach and matrix, apart from the route options. */
typedef struct extra {
    const char *budget, *bands, *lat, *lon, *format, *sources, *targets;
    char *owned[8];      /* strings made from a JSON body */
    size_t n_owned;
} extra;

static const char **extra_slot(extra *x, const char *key, int matrix)
{
    if (!matrix && !strcmp(key, "budget"))
        return &x->budget;
    if (!matrix && !strcmp(key, "bands"))
        return &x->bands;
    if (!matrix && !strcmp(key, "lat"))
        return &x->lat;
    if (!matrix && !strcmp(key, "lon"))
        return &x->lon;
    if (matrix && !strcmp(key, "sources"))
        return &x->sources;
    if (matrix && !strcmp(key, "targets"))
        return &x->targets;
    if (!strcmp(key, "format"))
        return &x->format;
    return NULL;
}

static void extra_free(extra *x)
{
    for (size_t i = 0; i < x->n_owned; i++)
        free(x->owned[i]);
}

/* A JSON value of one of our keys as a parameter string (arrays joined by
 * commas); NULL on a bad type. */
static char *json_param(json_t *v)
{
    if (json_is_string(v))
        return strdup(json_string_value(v));
    if (json_is_number(v)) {
        char b[64];
        snprintf(b, sizeof b, "%.17g", json_number_value(v));
        return strdup(b);
    }
    if (!json_is_array(v))
        return NULL;
    size_t n = 1, i;
    json_t *e;
    json_array_foreach(v, i, e) {
        if (!json_is_string(e) || strchr(json_string_value(e), ','))
            return NULL;
        n += json_string_length(e) + 1;
    }
    char *s = malloc(n);
    if (!s)
        return NULL;
    s[0] = 0;
    size_t o = 0;
    json_array_foreach(v, i, e) {
        o += (size_t)sprintf(s + o, "%s%s", i ? "," : "", json_string_value(e));
    }
    return s;
}

/*
 * Split the request into our parameters (x) and the route options (rr),
 * which the route parser reads with `from` and `to` set to `from_value`
 * (or the first source) since it requires both.  Returns 0, or -1 with
 * the answer set.
 */
static int parse_split(const sr__target *t, int post, const char *body, size_t len, int matrix, extra *x,
                       sr__route_req *rr, const sr_network *net, sr__answer *ans)
{
    memset(x, 0, sizeof *x);
    memset(rr, 0, sizeof *rr);
    char err[SR__ERRLEN] = "";
    int st;
    char nearest[300] = "";
    if (!post) {
        sr__param ps[SR__MAX_PARAMS + 2];
        size_t n = 0;
        const char *from = NULL;
        for (size_t i = 0; i < t->n_params; i++) {
            const char **slot = extra_slot(x, t->params[i].key, matrix);
            if (slot)
                *slot = t->params[i].value;
            else if (matrix && (!strcmp(t->params[i].key, "from") || !strcmp(t->params[i].key, "to"))) {
                fail(ans, 400, SR_EARG, "parameter '%s': a matrix takes 'sources' and 'targets'", t->params[i].key);
                return -1;
            } else if (!matrix && !strcmp(t->params[i].key, "to")) {
                fail(ans, 400, SR_EARG, "parameter 'to': reach takes no destination");
                return -1;
            } else {
                if (!strcmp(t->params[i].key, "from"))
                    from = t->params[i].value;
                ps[n++] = t->params[i];
            }
        }
        if (!matrix && x->lat && x->lon && !from) {
            char *end1, *end2;
            double la = strtod(x->lat, &end1), lo = strtod(x->lon, &end2);
            size_t idx;
            if (!*x->lat || *end1 || !*x->lon || *end2 || sr_place_nearest(net, la, lo, &idx, NULL) != SR_OK) {
                fail(ans, 400, SR_EARG, "parameters 'lat', 'lon': expected degrees (-90..90, -180..180)");
                return -1;
            }
            snprintf(nearest, sizeof nearest, "%s", sr_network_place(net, idx)->id);
            from = nearest;
            ps[n++] = (sr__param){(char *)"from", nearest};
        } else if (!matrix && (x->lat || x->lon)) {
            fail(ans, 400, SR_EARG, "parameters 'lat' and 'lon' go together, instead of 'from'");
            return -1;
        }
        if (matrix) {
            if (!x->sources || !*x->sources) {
                fail(ans, 400, SR_EARG, "parameter 'sources' is required (comma-separated place ids or names)");
                return -1;
            }
            size_t l = strcspn(x->sources, ",");
            snprintf(nearest, sizeof nearest, "%.*s", (int)(l < 256 ? l : 256), x->sources);
            from = nearest;
            ps[n++] = (sr__param){(char *)"from", nearest};
        }
        if (from)
            ps[n++] = (sr__param){(char *)"to", (char *)from};
        st = sr__route_from_params(ps, n, rr, err, sizeof err);
    } else {
        if (t->n_params) {
            fail(ans, 400, SR_EARG, "POST takes its options in the JSON body, not in the query string");
            return -1;
        }
        if (len > SR__MAX_BODY || !sr__utf8_valid(body ? body : "", len)) {
            fail(ans, 400, SR_EARG, "request body is not valid UTF-8");
            return -1;
        }
        json_error_t je;
        json_t *root = json_loadb(body ? body : "", len, JSON_REJECT_DUPLICATES, &je);
        if (!json_is_object(root)) {
            fail(ans, 400, SR_EARG, "request body must be a JSON object%s%s", root ? "" : ": ", root ? "" : je.text);
            json_decref(root);
            return -1;
        }
        static const char *const ours[] = {"budget", "bands", "lat", "lon", "format", "sources", "targets"};
        for (size_t k = 0; k < sizeof ours / sizeof ours[0]; k++) {
            json_t *v = json_object_get(root, ours[k]);
            const char **slot = extra_slot(x, ours[k], matrix);
            if (!v || !slot)
                continue;
            char *s = json_param(v);
            if (!s) {
                fail(ans, 400, SR_EARG, "parameter '%s': unexpected JSON type", ours[k]);
                json_decref(root);
                    return -1;
            }
            x->owned[x->n_owned++] = s;
            *slot = s;
            json_object_del(root, ours[k]);
        }
        if (json_object_get(root, matrix ? "from" : "to") || (matrix && json_object_get(root, "to"))) {
            fail(ans, 400, SR_EARG, matrix ? "a matrix takes 'sources' and 'targets', not 'from' and 'to'"
                                           : "parameter 'to': reach takes no destination");
            json_decref(root);
            return -1;
        }
        if (!matrix && x->lat && x->lon && !json_object_get(root, "from")) {
            size_t idx;
            char *e1, *e2;
            double la = strtod(x->lat, &e1), lo = strtod(x->lon, &e2);
            if (*e1 || *e2 || sr_place_nearest(net, la, lo, &idx, NULL) != SR_OK) {
                fail(ans, 400, SR_EARG, "parameters 'lat', 'lon': expected degrees (-90..90, -180..180)");
                json_decref(root);
                    return -1;
            }
            json_object_set_new(root, "from", json_string(sr_network_place(net, idx)->id));
        }
        if (matrix && x->sources) {
            size_t l = strcspn(x->sources, ",");
            snprintf(nearest, sizeof nearest, "%.*s", (int)(l < 256 ? l : 256), x->sources);
            json_object_set_new(root, "from", json_string(nearest));
        }
        if (matrix && !x->sources) {
            fail(ans, 400, SR_EARG, "parameter 'sources' is required (an array of place ids or names)");
            json_decref(root);
            return -1;
        }
        json_t *from = json_object_get(root, "from");
        if (from)
            json_object_set(root, "to", from);
        char *s = json_dumps(root, JSON_COMPACT);
        json_decref(root);
        if (!s) {
            fail(ans, 500, SR_ENOMEM, "out of memory");
            return -1;
        }
        st = sr__route_from_json(s, strlen(s), rr, err, sizeof err);
        free(s);
    }
    if (st) {
        fail(ans, st, st == 413 ? SR_ELIMIT : st >= 500 ? SR_ENOMEM : SR_EARG, "%s", err);
        return -1;
    }
    if (rr->depart || rr->arrive_by || rr->window) {
        fail(ans, 400, SR_EARG, "parameter 'depart': %s works on the network without timetables",
             matrix ? "a matrix" : "reach");
        return -1;
    }
    if (rr->opts.pareto) {
        fail(ans, 400, SR_EARG, "parameter 'pareto': %s uses one objective", matrix ? "a matrix" : "reach");
        return -1;
    }
    return 0;
}

static void ep_reach(sr__analysis *a, sr_query *q, const sr__target *t, int post, const char *body, size_t len,
                     sr__answer *ans)
{
    extra x;
    sr__route_req rr;
    if (parse_split(t, post, body, len, 0, &x, &rr, a->net, ans)) {
        sr__route_req_free(&rr);
        extra_free(&x);
        return;
    }
    const sr_route_options *o = &rr.opts;
    const char *fmt = x.format ? x.format : "json";
    double budget = 0;
    long bands = 0;
    if (strcmp(fmt, "json") && strcmp(fmt, "geojson")) {
        fail(ans, 400, SR_EARG, "parameter 'format': expected json or geojson; got '%.32s'", fmt);
        goto out;
    }
    if (o->objective == SR_BY_BLEND) {
        fail(ans, 400, SR_EARG, "parameter 'weights': reach needs a budget by time, cost or co2");
        goto out;
    }
    if (!x.budget) {
        fail(ans, 400, SR_EARG, "parameter 'budget' is required (hours, or 7d / 36h, for by=time; USD; kg CO2e)");
        goto out;
    }
    {
        char *end;
        errno = 0;
        budget = strtod(x.budget, &end);
        double scale = 1;
        if (o->objective == SR_BY_TIME && (*end == 'd' || *end == 'h') && !end[1]) {
            scale = *end == 'd' ? 24 : 1;
            end++;
        }
        budget *= scale;
        if (end == x.budget || *end || errno || !(budget > 0) || budget > 1e12) {
            fail(ans, 400, SR_EARG, "parameter 'budget': expected a number > 0%s; got '%.32s'",
                 o->objective == SR_BY_TIME ? " of hours, or 7d, 36h" : "", x.budget);
            goto out;
        }
    }
    if (x.bands && sr__parse_long(x.bands, 1, 100, &bands)) {
        fail(ans, 400, SR_EARG, "parameter 'bands': expected a whole number from 1 to 100; got '%.32s'", x.bands);
        goto out;
    }
    if (!bands) {
        double days = budget / 24;
        bands = o->objective == SR_BY_TIME && fabs(days - round(days)) < 1e-9 && days >= 1 && days <= 100
                    ? (long)round(days)
                    : 5;
    }
    if (!q) {
        fail(ans, 500, SR_ENOMEM, "cannot create query state");
        goto out;
    }
    sr_reach *r = NULL;
    sr_code c = sr_reach_query(q, o, budget, &r);
    if (c != SR_OK) {
        fail(ans, sr__http_status(c), c, "%s", *sr_query_errmsg(q) ? sr_query_errmsg(q) : sr_strerror(c));
    } else {
        char *s = !strcmp(fmt, "geojson") ? sr_reach_geojson(a->net, r, (unsigned)bands, 0)
                                          : sr_reach_json(a->net, r, (unsigned)bands, 0);
        set_body(ans, 200, ctype_of(fmt), s);
    }
    sr_reach_free(r);
out:
    sr__route_req_free(&rr);
    extra_free(&x);
}

/* Split a comma list into a new array of at most max entries; -1 when
 * there are more, or an entry is empty. */
static long split_places(const char *s, char **buf, const char ***out, size_t max)
{
    *buf = strdup(s);
    *out = malloc((max + 1) * sizeof **out);
    if (!*buf || !*out)
        return -2;
    size_t n = 0;
    char *save = NULL;
    for (char *p = strtok_r(*buf, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
        if (n == max)
            return -1;
        (*out)[n++] = p;
    }
    return (long)n;
}

static void ep_matrix(sr__analysis *a, sr_query *q, const sr__target *t, int post, const char *body, size_t len,
                      sr__answer *ans)
{
    extra x;
    sr__route_req rr;
    char *sb = NULL, *tb = NULL;
    const char **src = NULL, **tgt = NULL;
    if (parse_split(t, post, body, len, 1, &x, &rr, a->net, ans))
        goto out;
    const char *fmt = x.format ? x.format : "json";
    if (strcmp(fmt, "json") && strcmp(fmt, "csv")) {
        fail(ans, 400, SR_EARG, "parameter 'format': expected json or csv; got '%.32s'", fmt);
        goto out;
    }
    long ns = split_places(x.sources, &sb, &src, SR__MATRIX_MAX_SIDE);
    long nt = ns >= 0 ? split_places(x.targets ? x.targets : x.sources, &tb, &tgt, SR__MATRIX_MAX_SIDE) : 0;
    if (ns == -2 || nt == -2) {
        fail(ans, 500, SR_ENOMEM, "out of memory");
        goto out;
    }
    if (ns < 0 || nt < 0) {
        fail(ans, 400, SR_ELIMIT, "matrix too large: at most %d sources and %d targets (%d cells) per request",
             SR__MATRIX_MAX_SIDE, SR__MATRIX_MAX_SIDE, SR__MATRIX_MAX_SIDE * SR__MATRIX_MAX_SIDE);
        goto out;
    }
    if (!ns || !nt) {
        fail(ans, 400, SR_EARG, "parameters 'sources' and 'targets': at least one place each");
        goto out;
    }
    if (!q) {
        fail(ans, 500, SR_ENOMEM, "cannot create query state");
        goto out;
    }
    sr_matrix *m = NULL;
    sr_code c = sr_matrix_query(q, &rr.opts, src, (size_t)ns, tgt, (size_t)nt, &m);
    if (c != SR_OK) {
        fail(ans, sr__http_status(c), c, "%s", *sr_query_errmsg(q) ? sr_query_errmsg(q) : sr_strerror(c));
    } else {
        char *s = !strcmp(fmt, "csv") ? sr_matrix_csv(a->net, m) : sr_matrix_json(a->net, m, 0);
        set_body(ans, 200, ctype_of(fmt), s);
    }
    sr_matrix_free(m);
out:
    sr__route_req_free(&rr);
    extra_free(&x);
    free(sb);
    free(tb);
    free(src);
    free(tgt);
}

void sr__analysis_handle(sr__analysis *a, sr_query *q, const char *path, int post, const sr__target *t,
                         const char *body, size_t body_len, sr__answer *ans)
{
    memset(ans, 0, sizeof *ans);
    if (!body)
        body_len = 0;
    if (post && body_len && (memchr(body, 0, body_len) || !sr__utf8_valid(body, body_len))) {
        fail(ans, 400, SR_EARG, "request body must be UTF-8 text without NUL bytes");
        return;
    }
    char *key = a->cache ? cache_key(path, t, post ? body : "", post ? body_len : 0) : NULL;
    if (key) {
        sr__blob *b = sr__cache_get(a->cache, key, strlen(key));
        if (b) {
            /* The first byte of a cached answer names its content type. */
            ans->body = malloc(b->len);
            if (ans->body) {
                memcpy(ans->body, b->data + 1, b->len);
                ans->ctype = ctype_of(b->data[0] == 'g' ? "geojson" : b->data[0] == 'c' ? "csv" : "json");
                ans->status = b->status;
                ans->len = b->len - 1;
            }
            sr__blob_unref(b);
            if (ans->body) {
                free(key);
                return;
            }
        }
    }
    if (!strcmp(path, "/v1/scenarios"))
        ep_scenarios(a, t, ans);
    else if (!strcmp(path, "/v1/assign"))
        ep_assign(a, t, body, body_len, post, ans);
    else if (!strcmp(path, "/v1/assign/compare"))
        ep_compare(a, t, body, body_len, post, ans);
    else if (!strcmp(path, "/v1/assign/critical"))
        ep_critical(a, t, body, body_len, post, ans);
    else if (!strcmp(path, "/v1/reach"))
        ep_reach(a, q, t, post, body, body_len, ans);
    else
        ep_matrix(a, q, t, post, body, body_len, ans);
    /* Answers that follow from the input alone are kept; failures of the
     * machine (5xx, busy) are not. */
    if (key && ans->body && ans->status < 500) {
        char *c = malloc(ans->len + 2);
        if (c) {
            c[0] = strstr(ans->ctype, "geo") ? 'g' : strstr(ans->ctype, "csv") ? 'c' : 'j';
            memcpy(c + 1, ans->body, ans->len + 1);
            sr__blob *b = sr__blob_new(c, ans->len + 1, ans->status);
            if (b) {
                sr__cache_put(a->cache, key, strlen(key), b);
                sr__blob_unref(b);
            }
        }
    }
    free(key);
}
