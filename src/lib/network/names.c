/*
 * names.c - place names: normalisation for matching, the sorted name index,
 * lookup by id or any name, ranked search and "did you mean" suggestions.
 *
 * Users type place names in English, Chinese or Russian, with or without
 * accents, apostrophes and capitals ("Xi'an", "xian", "西安", "Сиань").
 * Every id, name and alias is normalised once at load time (utf8proc: NFKD,
 * case folding, marks stripped, only letters and digits kept) and stored in
 * one sorted array, so a lookup is a binary search and the index is shared
 * read-only by all threads.
 */
#include <stdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "network/network.h"

#define MAX_NAME_BYTES 1024

int sr__normalize(const char *in, char *out, size_t cap)
{
    if (!in || cap == 0)
        return -1;
    size_t inlen = strnlen(in, MAX_NAME_BYTES + 1);
    if (inlen > MAX_NAME_BYTES)
        return -1;
    /* Pure ASCII (every id, most English names): NFKD, case folding and
     * mark stripping leave letters and digits as their lower case, so the
     * result is the ASCII letters and digits, lowered -- the same bytes
     * utf8proc gives, without its allocation per name, which was a fifth
     * of loading a large network. */
    size_t ai = 0;
    while (ai < inlen && !((unsigned char)in[ai] & 0x80))
        ai++;
    if (ai == inlen) {
        size_t o = 0;
        for (size_t i = 0; i < inlen; i++) {
            unsigned char ch = (unsigned char)in[i];
            if (ch >= 'A' && ch <= 'Z')
                ch = (unsigned char)(ch - 'A' + 'a');
            else if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9')))
                continue;
            if (o + 1 >= cap)
                return -1;
            out[o++] = (char)ch;
        }
        out[o] = 0;
        return (int)o;
    }
    utf8proc_uint8_t *m = NULL;
    utf8proc_ssize_t n = utf8proc_map((const utf8proc_uint8_t *)in, (utf8proc_ssize_t)inlen, &m,
                                      UTF8PROC_STABLE | UTF8PROC_COMPAT | UTF8PROC_DECOMPOSE | UTF8PROC_CASEFOLD |
                                          UTF8PROC_STRIPMARK);
    if (n < 0)
        return -1; /* invalid UTF-8 */
    size_t o = 0;
    utf8proc_ssize_t i = 0;
    while (i < n) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate(m + i, n - i, &cp);
        if (k <= 0)
            break;
        utf8proc_category_t c = utf8proc_category(cp);
        int keep = (c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_LO) ||
                   (c >= UTF8PROC_CATEGORY_ND && c <= UTF8PROC_CATEGORY_NO);
        if (keep) {
            if (o + (size_t)k >= cap) {
                free(m);
                return -1;
            }
            memcpy(out + o, m + i, (size_t)k);
            o += (size_t)k;
        }
        i += k;
    }
    free(m);
    out[o] = 0;
    return (int)o;
}

static int cmp_name(const void *a, const void *b)
{
    const sr__name *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    if (c)
        return c;
    return x->place < y->place ? -1 : x->place > y->place;
}

static int add_key(sr_network *net, size_t *cap, const char *name, uint32_t place)
{
    char key[MAX_NAME_BYTES * 4];
    if (!name || !*name)
        return 0;
    int n = sr__normalize(name, key, sizeof key);
    if (n <= 0)
        return 0; /* nothing matchable (e.g. only punctuation) */
    if (sr__grow((void **)&net->names, cap, net->n_names + 1, sizeof *net->names) < 0)
        return -1;
    const char *k = sr__arena_strndup(&net->arena, key, (size_t)n);
    if (!k)
        return -1;
    net->names[net->n_names++] = (sr__name){k, place};
    return 0;
}

/* The id indices of places, crossings and links (see network.h).  An id
 * defined twice keeps its first index, as the loader resolves it.  An
 * index the loader already built for every row is kept as it is. */
static int index_ids(sr__idhash *h, uint32_t n, const char *(*id_of)(const sr_network *, uint32_t),
                     const sr_network *net)
{
    if (h->cap && h->n == n)
        return 0;
    sr__idhash_free(h);
    if (sr__idhash_reserve(h, n) < 0)
        return -1;
    for (uint32_t i = 0; i < n; i++) {
        const char *id = id_of(net, i);
        if (id && sr__idhash_put(h, id, i, NULL) < 0)
            return -1;
    }
    return 0;
}

static const char *place_id_of(const sr_network *net, uint32_t i) { return net->places[i].id; }
static const char *crossing_id_of(const sr_network *net, uint32_t i) { return net->crossings[i].id; }
static const char *link_id_of(const sr_network *net, uint32_t i) { return net->links[i].id; }

int sr__build_id_index(sr_network *net)
{
    /* A compiled file bisects its sorted id orders instead (below). */
    return (!net->place_by_id && index_ids(&net->place_idx, net->n_places, place_id_of, net) < 0) ||
                   index_ids(&net->crossing_idx, net->n_crossings, crossing_id_of, net) < 0 ||
                   (!net->link_by_id && index_ids(&net->link_idx, net->n_links, link_id_of, net) < 0)
               ? -1
               : 0;
}

/* The first entry of order[0..n) (indexes sorted by id) whose id is id. */
static long bisect_ids(const uint32_t *order, uint32_t n, const char *(*id_of)(const sr_network *, uint32_t),
                       const sr_network *net, const char *id)
{
    uint32_t lo = 0, hi = n;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (strcmp(id_of(net, order[mid]), id) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && !strcmp(id_of(net, order[lo]), id) ? (long)order[lo] : -1;
}

long sr__place_id_find(const sr_network *net, const char *id)
{
    if (net->place_idx.cap)
        return sr__idhash_get(&net->place_idx, id);
    if (net->place_by_id)
        return bisect_ids(net->place_by_id, net->n_places, place_id_of, net, id);
    for (uint32_t p = 0; p < net->n_places; p++)
        if (!strcmp(net->places[p].id, id))
            return (long)p;
    return -1;
}

long sr__link_find(const sr_network *net, const char *id)
{
    if (net->link_idx.cap)
        return sr__idhash_get(&net->link_idx, id);
    if (net->link_by_id)
        return bisect_ids(net->link_by_id, net->n_links, link_id_of, net, id);
    for (uint32_t i = 0; i < net->n_links; i++)
        if (net->links[i].id && !strcmp(net->links[i].id, id))
            return (long)i;
    return -1;
}

int sr__build_name_index(sr_network *net, const sr__name *extra, size_t n_extra)
{
    size_t cap = 0;
    if (sr__build_id_index(net) < 0)
        return -1;
    free(net->names);
    net->names = NULL;
    net->n_names = 0;
    for (uint32_t p = 0; p < net->n_places; p++) {
        const sr_place *pl = &net->places[p];
        if (add_key(net, &cap, pl->id, p) || add_key(net, &cap, pl->name_en, p) ||
            add_key(net, &cap, pl->name_zh, p) || add_key(net, &cap, pl->name_ru, p))
            return -1;
    }
    for (size_t i = 0; i < n_extra; i++)
        if (add_key(net, &cap, extra[i].key, extra[i].place))
            return -1;
    if (net->n_names)
        qsort(net->names, net->n_names, sizeof *net->names, cmp_name);
    /* Drop exact duplicates (a name equal to the id, say). */
    size_t w = 0;
    for (size_t i = 0; i < net->n_names; i++)
        if (!w || strcmp(net->names[i].key, net->names[w - 1].key) || net->names[i].place != net->names[w - 1].place)
            net->names[w++] = net->names[i];
    net->n_names = w;
    return 0;
}

/* First index whose key is >= key. */
static size_t lower_bound(const sr_network *net, const char *key)
{
    size_t lo = 0, hi = net->n_names;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(net->names[mid].key, key) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

int sr__parse_latlon(const char *s, double *lat, double *lon)
{
    /* Strictly "LAT,LON" in decimal degrees (as OSRM and Valhalla take
     * them, but latitude first, as people write them); no spaces, no
     * exponents, so a place name never parses as coordinates by accident. */
    double v[2];
    const char *p = s;
    for (int k = 0; k < 2; k++) {
        const char *q = p;
        if (*q == '-' || *q == '+')
            q++;
        size_t digits = 0, dots = 0;
        for (; (*q >= '0' && *q <= '9') || *q == '.'; q++) {
            if (*q == '.')
                dots++;
            else
                digits++;
        }
        if (!digits || dots > 1 || q - p > 24 || (k == 0 ? *q != ',' : *q != 0))
            return -1;
        char buf[32];
        memcpy(buf, p, (size_t)(q - p));
        buf[q - p] = 0;
        v[k] = strtod(buf, NULL);
        p = q + 1;
    }
    if (!(v[0] >= -90 && v[0] <= 90 && v[1] >= -180 && v[1] <= 180))
        return -2; /* coordinates, but not on the globe */
    *lat = v[0];
    *lon = v[1];
    return 0;
}

sr_code sr_place_nearest(const sr_network *net, double lat, double lon, size_t *idx, double *km)
{
    if (!net || !idx || !net->n_places || !(lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180))
        return SR_EARG;
    /* A plain scan: a few thousand places cost microseconds, far below a
     * route search; a spatial index pays off only for imported networks. */
    double best = HUGE_VAL;
    size_t bi = 0;
    for (size_t p = 0; p < net->n_places; p++) {
        double d = sr__haversine_km(lat, lon, net->places[p].lat, net->places[p].lon);
        if (d < best) {
            best = d;
            bi = p;
        }
    }
    *idx = bi;
    if (km)
        *km = best;
    return SR_OK;
}

sr_code sr_places_near(const sr_network *net, const char *latlon, size_t *idx, double *km, size_t max, size_t *n)
{
    double lat, lon;
    if (n)
        *n = 0;
    if (!net || !latlon || !idx || !km || !n || !max || sr__parse_latlon(latlon, &lat, &lon))
        return SR_EARG;
    /* Insertion into a sorted list of at most max: fine for the small max
     * an answer needs over a few thousand places. */
    size_t k = 0;
    for (size_t p = 0; p < net->n_places; p++) {
        double d = sr__haversine_km(lat, lon, net->places[p].lat, net->places[p].lon);
        if (k == max && d >= km[k - 1])
            continue;
        size_t j = k < max ? k++ : k - 1;
        while (j > 0 && km[j - 1] > d) {
            km[j] = km[j - 1];
            idx[j] = idx[j - 1];
            j--;
        }
        km[j] = d;
        idx[j] = p;
    }
    *n = k;
    return SR_OK;
}

sr_code sr_place_resolve(const sr_network *net, const char *text, size_t *idx, double *snap_km)
{
    if (!net || !text || !idx)
        return SR_EARG;
    double lat, lon, km = 0;
    if (sr__parse_latlon(text, &lat, &lon) == 0) {
        if (sr_place_nearest(net, lat, lon, idx, &km) != SR_OK || km > SR_SNAP_MAX_KM)
            return SR_EPLACE;
    } else if (sr_place_find(net, text, idx) != SR_OK) {
        return SR_EPLACE;
    }
    if (snap_km)
        *snap_km = km;
    return SR_OK;
}

sr_code sr_place_find(const sr_network *net, const char *name, size_t *idx)
{
    if (!net || !name)
        return SR_EARG;
    double lat, lon, km;
    if (sr__parse_latlon(name, &lat, &lon) == 0)
        return sr_place_nearest(net, lat, lon, idx, &km) == SR_OK && km <= SR_SNAP_MAX_KM ? SR_OK : SR_EPLACE;
    /* An exact id wins over any name, so ids are always unambiguous. */
    if (strlen(name) <= 64) {
        long p = sr__place_id_find(net, name);
        if (p >= 0) {
            *idx = (size_t)p;
            return SR_OK;
        }
    }
    char key[MAX_NAME_BYTES * 4];
    if (sr__normalize(name, key, sizeof key) <= 0)
        return SR_EPLACE;
    size_t i = lower_bound(net, key);
    if (i < net->n_names && !strcmp(net->names[i].key, key)) {
        /* Several places may share a name (a city and its airport both
         * called "Navoi"); prefer a city, then the first in file order. */
        size_t best = i;
        for (size_t j = i; j < net->n_names && !strcmp(net->names[j].key, key); j++)
            if (net->places[net->names[j].place].kind == SR_PLACE_CITY &&
                net->places[net->names[best].place].kind != SR_PLACE_CITY)
                best = j;
        *idx = net->names[best].place;
        return SR_OK;
    }
    return SR_EPLACE;
}

long sr_crossing_find(const sr_network *net, const char *id)
{
    if (!net || !id)
        return -1;
    if (net->crossing_idx.cap)
        return sr__idhash_get(&net->crossing_idx, id);
    for (uint32_t i = 0; i < net->n_crossings; i++)
        if (!strcmp(net->crossings[i].id, id))
            return (long)i;
    return -1;
}

int sr__edit_distance(const char *a, const char *b, int max)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 256 || lb > 256)
        return max + 1;
    if ((la > lb ? la - lb : lb - la) > (size_t)max)
        return max + 1;
    int row[257];
    for (size_t j = 0; j <= lb; j++)
        row[j] = (int)j;
    for (size_t i = 1; i <= la; i++) {
        int prev = row[0], best = row[0] = (int)i;
        for (size_t j = 1; j <= lb; j++) {
            int cur = row[j];
            int v = prev + (a[i - 1] != b[j - 1]);
            if (row[j] + 1 < v)
                v = row[j] + 1;
            if (row[j - 1] + 1 < v)
                v = row[j - 1] + 1;
            row[j] = v;
            prev = cur;
            if (v < best)
                best = v;
        }
        if (best > max)
            return max + 1;
    }
    return row[lb] > max ? max + 1 : row[lb];
}

typedef struct scored {
    int score;
    uint32_t place;
} scored;

static int cmp_scored(const void *a, const void *b)
{
    const scored *x = a, *y = b;
    if (x->score != y->score)
        return x->score - y->score;
    return x->place < y->place ? -1 : x->place > y->place;
}

/* Score every place against key: 0 exact, 1 prefix, 2 substring, 3 + edit
 * distance for near misses; INT_MAX-ish when unrelated.  The best score of
 * any of a place's names counts. */
static size_t rank(const sr_network *net, const char *key, size_t *out, size_t max, int fuzzy_only_max)
{
    if (!max || !net->n_places)
        return 0;
    scored *s = malloc(net->n_places * sizeof *s);
    if (!s)
        return 0;
    for (uint32_t p = 0; p < net->n_places; p++)
        s[p] = (scored){1 << 20, p};
    size_t klen = strlen(key);
    int maxd = klen < 4 ? 1 : klen < 8 ? 2 : 3;
    if (fuzzy_only_max)
        maxd = klen < 4 ? 1 : 3;
    for (size_t i = 0; i < net->n_names; i++) {
        const char *nk = net->names[i].key;
        int sc;
        if (!strcmp(nk, key))
            sc = 0;
        else if (!strncmp(nk, key, klen))
            sc = 1;
        else if (klen >= 2 && strstr(nk, key))
            sc = 2;
        else {
            int d = sr__edit_distance(nk, key, maxd);
            /* Also compare with the name's prefix of the query's length, so
             * "almat" still finds "almaty" and "tashkent" near-misses
             * "tashkentsouth". */
            if (d > maxd && strlen(nk) > klen) {
                char pre[MAX_NAME_BYTES];
                size_t n = klen < sizeof pre - 1 ? klen : sizeof pre - 1;
                memcpy(pre, nk, n);
                pre[n] = 0;
                int d2 = sr__edit_distance(pre, key, maxd);
                if (d2 <= maxd)
                    d = d2 + 1;
            }
            sc = d <= maxd ? 3 + d : 1 << 20;
        }
        uint32_t p = net->names[i].place;
        if (sc < s[p].score)
            s[p].score = sc;
    }
    qsort(s, net->n_places, sizeof *s, cmp_scored);
    size_t n = 0;
    for (; n < max && n < net->n_places && s[n].score < (1 << 20); n++)
        out[n] = s[n].place;
    free(s);
    return n;
}

size_t sr_place_search(const sr_network *net, const char *query, size_t *out, size_t max)
{
    char key[MAX_NAME_BYTES * 4];
    if (!net || !query || !out)
        return 0;
    if (sr__normalize(query, key, sizeof key) <= 0) {
        /* An empty query lists places in file order. */
        size_t n = 0;
        if (!*query)
            for (; n < max && n < net->n_places; n++)
                out[n] = n;
        return n;
    }
    return rank(net, key, out, max, 0);
}

/* The smallest edit distance between key and any name of place p (a name
 * that starts with key counts as 0). */
int sr__name_distance(const sr_network *net, size_t p, const char *key)
{
    int best = 1 << 20;
    size_t klen = strlen(key);
    for (size_t i = 0; i < net->n_names; i++) {
        if (net->names[i].place != p)
            continue;
        const char *nk = net->names[i].key;
        int d = !strncmp(nk, key, klen) ? 0 : sr__edit_distance(nk, key, 3);
        if (d < best)
            best = d;
    }
    return best;
}

size_t sr_place_suggest(const sr_network *net, const char *name, size_t *out, size_t max)
{
    char key[MAX_NAME_BYTES * 4];
    size_t idx[8];
    if (!net || !name || !out || !max || !net->n_names || sr__normalize(name, key, sizeof key) <= 0)
        return 0;
    size_t n = rank(net, key, idx, max < 8 ? max : 8, 1);
    /* Only near misses are worth suggesting: a spelling a typo or two away,
     * relative to the length ("Almty", "Tashknt"), or a prefix.  "Paris" is
     * not a misspelling of "Arys"; a guess that far off misleads. */
    size_t klen = strlen(key);
    int maxd = klen < 8 ? 1 : 2;
    size_t kept = 0;
    for (size_t i = 0; i < n; i++)
        if (sr__name_distance(net, idx[i], key) <= maxd)
            out[kept++] = idx[i];
    return kept;
}

void sr__suggest(const sr_network *net, const char *name, char *out, size_t cap)
{
    size_t idx[3];
    out[0] = 0;
    size_t n = sr_place_suggest(net, name, idx, 3);
    size_t o = 0;
    for (size_t i = 0; i < n && o < cap; i++) {
        int w = snprintf(out + o, cap - o, "%s%s (%s)", i ? ", " : "", net->places[idx[i]].name_en,
                         net->places[idx[i]].id);
        if (w < 0)
            break;
        o += (size_t)w;
    }
}

void sr__unknown_place_msg(const sr_network *net, const char *what, const char *name, char *out, size_t cap)
{
    double lat, lon, km;
    size_t p;
    if (sr__parse_latlon(name, &lat, &lon) == 0 && sr_place_nearest(net, lat, lon, &p, &km) == SR_OK) {
        snprintf(out, cap, "%s: %.200s is %.0f km from the nearest place of the network, %s (%s): farther than %.0f km, "
                 "the network does not reach there", what, name, km, net->places[p].name_en, net->places[p].id,
                 SR_SNAP_MAX_KM);
        return;
    }
    char sug[400];
    sr__suggest(net, name, sug, sizeof sug);
    if (*sug)
        snprintf(out, cap, "%s: unknown place '%.200s'; did you mean: %s", what, name, sug);
    else
        snprintf(out, cap, "%s: unknown place '%.200s': no place of that name or a similar spelling in the network "
                 "(list them with `silkroute places`, or give coordinates LAT,LON)", what, name);
}
