/*
 * cmd_ship.c - `silkroute ship create|event|show|list|eta|export-observations`:
 * shipment tracking from the command line.  A booking plans its route as
 * `silkroute route` does and keeps the chosen option in the store; events
 * are given as options or as JSON (one event or a batch); reads print a
 * short table or, with --json, the library's JSON.
 *
 * Store: --store URI, else $SILKROUTE_STORE, else silkroute-track.db in the
 * current directory (a SQLite file), or postgresql://... .
 */
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

#define MAX_JSON_FILE (4u << 20)

const char *cli_store_uri(const char *given)
{
    if (given && *given)
        return given;
    const char *e = getenv("SILKROUTE_STORE");
    return e && *e ? e : "silkroute-track.db";
}

static int usage(FILE *f, int status)
{
    fprintf(f,
            "usage: silkroute ship create --from PLACE --to PLACE --ref REF --ready TIME [--container C,...]\n"
            "                             [--option N] [--by time|cost|co2] [--modes rail,road,sea,air]\n"
            "                             [--cargo 20ft|40ft|t] [--quantity N] [--promised TIME]\n"
            "                             [--late-after HOURS] [--year N] [--data DIR]\n"
            "       silkroute ship event REF --type TYPE --place PLACE --time TIME [--classifier ACT|EST|PLN]\n"
            "                             [--container C] [--reason CODE] [--note TEXT] [--key KEY]\n"
            "                             [--lat X --lon Y] [--retracts EVENT-ID] [--data DIR]\n"
            "       silkroute ship event [REF] --json FILE|-     one event or {\"events\": [...]}\n"
            "       silkroute ship show REF | eta REF | list [--status late|on_time|delivered|booked|in_transit]\n"
            "                             [--q TEXT] [--limit N]\n"
            "       silkroute ship export-observations [--out FILE] [--no-header]\n"
            "  every subcommand takes --store URI and --json (JSON output)\n"
            "TYPE: ARRI DEPA GTIN GTOT LOAD DISC STUF STRP RECE CONF ISSU BORD (border arrival)\n"
            "      CUSR (customs release) GAUG (gauge change done) TRSH (transshipment done) DLVR RETRACT\n"
            "TIME: 2026-06-03T08:00+08:00 (--ready without an offset is local time at the origin).\n"
            "--option N books option N of the Pareto set (as `silkroute route --pareto` lists it).\n"
            "Without --key an event's key is made of its fields, so repeating a command is harmless.\n"
            "exit status: 0 ok, 2 usage, unknown shipment or place, conflict, 3 no route, 1 store failure\n");
    return status;
}

typedef struct opts {
    const char *ref, *from, *to, *ready, *promised, *containers, *option, *by, *modes, *cargo, *quantity, *late_after,
        *year, *data, *store, *type, *place, *time, *classifier, *container, *reason, *note, *key, *lat, *lon,
        *retracts, *json_in, *status, *q, *limit, *out;
    int json, no_header;
} opts;

static int parse(int argc, char **argv, opts *o)
{
    static const struct {
        const char *name;
        size_t off;
    } tab[] = {
#define O(n, f) {n, offsetof(opts, f)}
        O("--from", from), O("--to", to), O("--ref", ref), O("--ready", ready), O("--promised", promised),
        O("--container", containers), O("--option", option), O("--by", by), O("--modes", modes),
        O("--cargo", cargo), O("--quantity", quantity), O("--late-after", late_after), O("--year", year),
        O("--data", data), O("--store", store), O("--type", type), O("--place", place), O("--time", time),
        O("--classifier", classifier), O("--reason", reason), O("--note", note), O("--key", key), O("--lat", lat),
        O("--lon", lon), O("--retracts", retracts), O("--status", status), O("--q", q), O("--limit", limit),
        O("--out", out),
#undef O
    };
    /* getopt_long's table from the one above: every value option, plus
     * the flags.  tab[k] is val 300 + k. */
    enum { O_NO_HEADER = 256, O_JSON };
    enum { NTAB = sizeof tab / sizeof tab[0] };
    static struct option lo[NTAB + 4];
    lo[0] = (struct option){"help", no_argument, NULL, 'h'};
    lo[1] = (struct option){"no-header", no_argument, NULL, O_NO_HEADER};
    lo[2] = (struct option){"json", no_argument, NULL, O_JSON};
    for (size_t k = 0; k < NTAB; k++)
        lo[3 + k] = (struct option){tab[k].name + 2, required_argument, NULL, 300 + (int)k};
    lo[NTAB + 3] = (struct option){NULL, 0, NULL, 0};
    char cmd[64];
    snprintf(cmd, sizeof cmd, "ship %.40s", argv[1]);
    int oc, status = 0;
    /* The subcommand's own argv: argv[1] is "create", "event", ... */
    while ((oc = cli_getopt(argc - 1, argv + 1, cmd, lo, 0, &status)) != -1) {
        if (oc == 'h')
            return usage(stdout, EXIT_OK), 1;
        if (oc == '?')
            return -1;
        if (oc == O_NO_HEADER)
            o->no_header = 1;
        else if (oc == O_JSON)
            o->json = 1;
        else if (oc >= 300 && oc < 300 + (int)NTAB)
            *(const char **)((char *)o + tab[oc - 300].off) = optarg;
    }
    /* Operands: REF; for `event --json`, FILE (or - for standard input)
     * after it, which makes --json mean input rather than output. */
    int nop = argc - 1 - optind;
    char **op = argv + 1 + optind;
    int is_event = !strcmp(argv[1], "event");
    if (is_event && o->json && nop >= 1 && (nop == 2 || access(op[nop - 1], F_OK) == 0 || !strcmp(op[nop - 1], "-"))) {
        o->json_in = op[--nop];
        o->json = 0;
    }
    if (nop > 1) {
        fprintf(stderr, "silkroute: error: %s: unexpected argument '%s'\n", cmd, op[1]);
        return -1;
    }
    if (nop == 1)
        o->ref = op[0];
    return 0;
}

static sr_store *open_store(const opts *o, int *status)
{
    sr_store *st = NULL;
    sr_code c = sr_store_open(cli_store_uri(o->store), &st);
    if (c != SR_OK) {
        *status = cli_fail(o->json, c, "%s", st ? sr_store_errmsg(st) : sr_strerror(c));
        sr_store_close(st);
        return NULL;
    }
    return st;
}

static int ship_create(const opts *o)
{
    if (!o->from || !o->to)
        return cli_fail(o->json, SR_EARG, "ship create: --from and --to are required");
    if (!o->ref)
        return cli_fail(o->json, SR_EARG, "ship create: --ref is required");
    if (!o->ready)
        return cli_fail(o->json, SR_EARG, "ship create: --ready is required");
    int status;
    sr_network *net = cli_open_network(o->data, o->json, &status);
    if (!net)
        return status;
    sr_route_options ro;
    sr_route_options_init(&ro);
    ro.from = o->from;
    ro.to = o->to;
    long v = 0;
    double d = 0;
    sr_shipment_spec s;
    sr_shipment_spec_init(&s);
    char conts[SR_MAX_CONTAINERS * 16 + 64];
    int rc = -1;
    sr_query *q = NULL;
    sr_result *res = NULL;
    sr_store *st = NULL;
    long option = 0;
    if (o->by) {
        if (!strcmp(o->by, "time")) ro.objective = SR_BY_TIME;
        else if (!strcmp(o->by, "cost")) ro.objective = SR_BY_COST;
        else if (!strcmp(o->by, "co2")) ro.objective = SR_BY_CO2;
        else { rc = cli_fail(o->json, SR_EARG, "--by: expected time, cost or co2, got '%s'", o->by); goto out; }
    }
    if (o->modes) {
        char m[256];
        snprintf(m, sizeof m, "%s", o->modes);
        const char *list[8];
        int n = cli_split_list(m, list, 8);
        ro.modes = 0;
        for (int i = 0; i < n; i++) {
            int md = sr_mode_parse(list[i]);
            if (md < 0) { rc = cli_fail(o->json, SR_EARG, "--modes: unknown mode '%s'", list[i]); goto out; }
            ro.modes |= SR_MODE_BIT(md);
        }
        if (n <= 0) { rc = cli_fail(o->json, SR_EARG, "--modes: expected a list of rail,road,sea,air"); goto out; }
    }
    if (o->cargo) {
        int u = sr_unit_parse(o->cargo);
        if (u < 0) { rc = cli_fail(o->json, SR_EARG, "--cargo: expected 20ft, 40ft or t, got '%s'", o->cargo); goto out; }
        ro.unit = s.unit = (sr_unit)u;
    }
    if (o->quantity) {
        if (cli_parse_double(o->quantity, 1e-9, 1e6, &d)) { rc = cli_fail(o->json, SR_EARG, "--quantity: expected more than 0 and at most 1000000, got '%s'", o->quantity); goto out; }
        ro.quantity = s.quantity = d;
    }
    if (o->year) {
        if (cli_parse_int(o->year, 1900, 2200, &v)) { rc = cli_fail(o->json, SR_EARG, "--year: expected 1900 to 2200, got '%s'", o->year); goto out; }
        ro.year = (int)v;
    }
    if (o->option) {
        if (cli_parse_int(o->option, 1, 1000, &option)) { rc = cli_fail(o->json, SR_EARG, "--option: expected 1 to 1000, got '%s'", o->option); goto out; }
        ro.pareto = 1;
    }
    if (o->late_after) {
        if (cli_parse_double(o->late_after, 0, 720, &d)) { rc = cli_fail(o->json, SR_EARG, "--late-after: expected 0 to 720 hours, got '%s'", o->late_after); goto out; }
        s.late_after_h = d;
    }
    /* --ready without an offset is local at the origin. */
    size_t from_idx;
    if (sr_place_find(net, o->from, &from_idx) != SR_OK) {
        rc = cli_fail(o->json, SR_EPLACE, "--from: unknown place '%s'", o->from);
        goto out;
    }
    const sr_place *fp = sr_network_place(net, from_idx);
    if (sr_time_parse(o->ready, fp->tz, &s.ready) != SR_OK) {
        rc = cli_fail(o->json, SR_EARG, "--ready: expected a time like 2026-06-03T08:00, got '%s'", o->ready);
        goto out;
    }
    if (o->promised && sr_time_parse(o->promised, NULL, &s.promised) != SR_OK) {
        rc = cli_fail(o->json, SR_EARG, "--promised: expected a time like 2026-06-20T00:00+05:00, got '%s'", o->promised);
        goto out;
    }
    if (o->containers) {
        snprintf(conts, sizeof conts, "%s", o->containers);
        int n = cli_split_list(conts, s.containers, SR_MAX_CONTAINERS);
        if (n < 0) { rc = cli_fail(o->json, SR_EARG, "--container: at most %d containers", SR_MAX_CONTAINERS); goto out; }
        s.n_containers = (size_t)n;
    }
    s.ref = o->ref;
    if (sr_query_create(net, &q) != SR_OK) { rc = cli_fail(o->json, SR_ENOMEM, "out of memory"); goto out; }
    sr_code c = sr_route_query(q, &ro, &res);
    if (c != SR_OK) { rc = cli_fail(o->json, c, "%s", sr_query_errmsg(q)); goto out; }
    size_t pick = option ? (size_t)option - 1 : 0;
    if (pick >= sr_result_count(res)) {
        rc = cli_fail(o->json, SR_EARG, "--option: %ld asked, but there are %zu options", option, sr_result_count(res));
        goto out;
    }
    if (!(st = open_store(o, &rc)))
        goto out;
    int64_t id;
    c = sr_shipment_create(st, net, &s, sr_result_route(res, pick), &id);
    if (c != SR_OK) { rc = cli_fail(o->json, c, "%s", sr_store_errmsg(st)); goto out; }
    const sr_route *r = sr_result_route(res, pick);
    if (o->json) {
        char *j = NULL;
        if (sr_shipment_json(st, o->ref, 0, &j) == SR_OK)
            cli_puts(j);
        sr_free(j);
    } else {
        printf("booked %s: %s -> %s, %zu legs, %.1f h planned (option %zu of %zu)\n", o->ref, o->from, o->to,
               r->n_legs, r->duration_h, pick + 1, sr_result_count(res));
    }
    rc = EXIT_OK;
out:
    sr_store_close(st);
    sr_result_free(res);
    sr_query_destroy(q);
    sr_network_close(net);
    return rc;
}

static char *read_all(const char *path, size_t *len)
{
    FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
    if (!f)
        return NULL;
    size_t cap = 65536, n = 0;
    char *b = malloc(cap + 1);
    while (b) {
        size_t k = fread(b + n, 1, cap - n, f);
        n += k;
        if (k == 0)
            break;
        if (n == cap) {
            if (cap >= MAX_JSON_FILE) {
                free(b);
                b = NULL;
                *len = (size_t)-1;
                break;
            }
            char *nb = realloc(b, cap * 2 + 1);
            if (!nb) {
                free(b);
                b = NULL;
                break;
            }
            b = nb;
            cap *= 2;
        }
    }
    if (f != stdin)
        fclose(f);
    if (b) {
        b[n] = '\0';
        *len = n;
    }
    return b;
}

static int ship_event(const opts *o)
{
    int status;
    sr_network *net = cli_open_network(o->data, o->json, &status);
    if (!net)
        return status;
    sr_store *st = NULL;
    int rc;
    if (o->json_in) {
        size_t len = 0;
        char *body = read_all(o->json_in, &len);
        if (!body) {
            rc = len == (size_t)-1 ? cli_fail(o->json, SR_ELIMIT, "--json: larger than %u bytes", MAX_JSON_FILE)
                                   : cli_fail(o->json, SR_EIO, "--json: cannot read '%s'", o->json_in);
            sr_network_close(net);
            return rc;
        }
        if (!(st = open_store(o, &rc))) {
            free(body);
            sr_network_close(net);
            return rc;
        }
        char *ans = NULL;
        sr_code c = sr_event_post_json(st, net, body, len, o->ref, "cli", &ans);
        free(body);
        if (c == SR_OK) {
            cli_puts(ans);
            rc = EXIT_OK;
        } else {
            rc = cli_fail(o->json, c, "%s", sr_store_errmsg(st));
            if (c == SR_ELIMIT)
                rc = EXIT_USAGE;
        }
        sr_free(ans);
        sr_store_close(st);
        sr_network_close(net);
        return rc;
    }
    sr_event e;
    sr_event_init(&e);
    e.shipment = o->ref;
    e.source = "cli";
    rc = -1;
    char keybuf[512];
    if (!o->ref) { rc = cli_fail(o->json, SR_EARG, "ship event: REF missing"); goto out; }
    if (!o->type) { rc = cli_fail(o->json, SR_EARG, "ship event: --type is required"); goto out; }
    int t = sr_event_type_parse(o->type);
    if (t < 0) { rc = cli_fail(o->json, SR_EARG, "--type: unknown event type '%s'", o->type); goto out; }
    e.type = (sr_event_type)t;
    if (o->classifier) {
        int k = sr_event_class_parse(o->classifier);
        if (k < 0) { rc = cli_fail(o->json, SR_EARG, "--classifier: expected ACT, EST or PLN, got '%s'", o->classifier); goto out; }
        e.classifier = (sr_event_class)k;
    }
    e.place = o->place;
    if (!o->time) { rc = cli_fail(o->json, SR_EARG, "ship event: --time is required"); goto out; }
    /* The offset is part of the event: take it from the text. */
    size_t tl = strlen(o->time);
    int has_off = tl >= 6 && (o->time[tl - 6] == '+' || o->time[tl - 6] == '-') && o->time[tl - 3] == ':';
    if (!(tl && (o->time[tl - 1] == 'Z' || has_off)) || sr_time_parse(o->time, NULL, &e.time) != SR_OK) {
        rc = cli_fail(o->json, SR_EARG, "--time: expected a time with its UTC offset, like 2026-06-03T08:00+08:00; got '%s'", o->time);
        goto out;
    }
    if (has_off) {
        int hh = atoi(o->time + tl - 5), mm = atoi(o->time + tl - 2);
        e.utc_offset_s = (int32_t)((hh * 3600 + mm * 60) * (o->time[tl - 6] == '-' ? -1 : 1));
    }
    e.container = o->containers ? o->containers : o->container;
    e.reason = o->reason;
    e.note = o->note;
    if (o->lat || o->lon) {
        if (!o->lat || !o->lon || cli_parse_double(o->lat, -90, 90, &e.lat) || cli_parse_double(o->lon, -180, 180, &e.lon)) {
            rc = cli_fail(o->json, SR_EARG, "--lat/--lon: give both, within +-90 and +-180");
            goto out;
        }
    }
    if (o->retracts) {
        long id;
        if (cli_parse_int(o->retracts, 1, 0x7fffffffffffffffL, &id)) { rc = cli_fail(o->json, SR_EARG, "--retracts: expected an event id, got '%s'", o->retracts); goto out; }
        e.retracts = id;
    }
    if (o->key) {
        e.key = o->key;
    } else {
        snprintf(keybuf, sizeof keybuf, "cli:%s:%s:%s:%s:%lld:%s:%s", o->type, o->classifier ? o->classifier : "ACT",
                 o->place ? o->place : "", e.container ? e.container : "", (long long)e.time,
                 o->retracts ? o->retracts : "", o->reason ? o->reason : "");
        keybuf[128] = '\0';
        e.key = keybuf;
    }
    if (!(st = open_store(o, &rc)))
        goto out;
    int64_t id = 0;
    int dup = 0;
    sr_code c = sr_event_post(st, net, &e, 1, &id, &dup);
    if (c != SR_OK) { rc = cli_fail(o->json, c, "%s", sr_store_errmsg(st)); goto out; }
    if (o->json)
        printf("{\"code\":\"Ok\",\"events\":[{\"id\":%lld,\"duplicate\":%s}]}\n", (long long)id, dup ? "true" : "false");
    else
        printf("event %lld%s\n", (long long)id, dup ? " (already recorded)" : "");
    rc = EXIT_OK;
out:
    sr_store_close(st);
    sr_network_close(net);
    return rc;
}

static void print_summary(json_t *s)
{
    const char *r = json_string_value(json_object_get(s, "ref"));
    json_t *p = json_object_get(s, "position");
    printf("%-16s %-10s %-16s %-24s %-24s %+8.1f  %s\n", r ? r : "", json_string_value(json_object_get(s, "status")),
           json_string_value(json_object_get(s, "flag")),
           json_string_value(json_object_get(s, "planned_arrival")), json_string_value(json_object_get(s, "eta")),
           json_real_value(json_object_get(s, "delay_h")),
           json_is_object(p) ? json_string_value(json_object_get(p, "place")) : "-");
}

static int ship_read(const opts *o, const char *sub)
{
    int rc;
    sr_store *st = open_store(o, &rc);
    if (!st)
        return rc;
    char *j = NULL;
    sr_code c;
    long limit = 100;
    if (!strcmp(sub, "list")) {
        if (o->limit && cli_parse_int(o->limit, 1, 1000, &limit)) {
            sr_store_close(st);
            return cli_fail(o->json, SR_EARG, "--limit: expected 1 to 1000, got '%s'", o->limit);
        }
        c = sr_shipment_list_json(st, o->status, o->q, (size_t)limit, o->json ? SR_JSON_PRETTY : 0, &j);
    } else if (!o->ref) {
        sr_store_close(st);
        return cli_fail(o->json, SR_EARG, "ship %s: REF missing", sub);
    } else if (!strcmp(sub, "show")) {
        c = sr_shipment_json(st, o->ref, o->json ? SR_JSON_PRETTY : 0, &j);
    } else {
        c = sr_shipment_eta_json(st, o->ref, o->json ? SR_JSON_PRETTY : 0, &j);
    }
    if (c != SR_OK) {
        rc = cli_fail(o->json, c, "%s", sr_store_errmsg(st));
        sr_store_close(st);
        return rc;
    }
    rc = EXIT_OK;
    if (o->json) {
        if (cli_puts(j))
            rc = EXIT_FAIL;
    } else {
        json_t *root = json_loads(j, 0, NULL);
        if (!strcmp(sub, "list")) {
            printf("%-16s %-10s %-16s %-24s %-24s %8s  %s\n", "ref", "status", "flag", "planned arrival", "ETA",
                   "delay h", "position");
            json_t *a = json_object_get(root, "shipments");
            for (size_t i = 0; i < json_array_size(a); i++)
                print_summary(json_array_get(a, i));
        } else if (!strcmp(sub, "show")) {
            json_t *s = json_object_get(root, "shipment");
            printf("%-16s %-10s %-16s %-24s %-24s %8s  %s\n", "ref", "status", "flag", "planned arrival", "ETA",
                   "delay h", "position");
            print_summary(s);
            printf("\nplan:\n");
            json_t *pl = json_object_get(s, "plan");
            for (size_t i = 0; i < json_array_size(pl); i++) {
                json_t *pt = json_array_get(pl, i);
                printf("  %-16s arrive %-22s depart %s\n", json_string_value(json_object_get(pt, "place")),
                       json_string_value(json_object_get(pt, "arrive")), json_string_value(json_object_get(pt, "depart")));
            }
            printf("\nevents (by event time):\n");
            json_t *ev = json_object_get(s, "events");
            for (size_t i = 0; i < json_array_size(ev); i++) {
                json_t *e = json_array_get(ev, i);
                json_t *by = json_object_get(e, "retracted_by");
                const char *pl2 = json_string_value(json_object_get(e, "place"));
                printf("  %-6lld %-7s %-3s %-16s %-26s%s\n", (long long)json_integer_value(json_object_get(e, "id")),
                       json_string_value(json_object_get(e, "type")), json_string_value(json_object_get(e, "classifier")),
                       pl2 ? pl2 : "-", json_string_value(json_object_get(e, "time")),
                       json_is_integer(by) ? " (retracted)" : "");
            }
        } else {
            printf("ETA %s (planned %s, delay %+.1f h)\nhistory:\n", json_string_value(json_object_get(root, "eta")),
                   json_string_value(json_object_get(root, "planned_arrival")),
                   json_real_value(json_object_get(root, "delay_h")));
            json_t *h = json_object_get(root, "history");
            for (size_t i = 0; i < json_array_size(h); i++) {
                json_t *x = json_array_get(h, i);
                const char *pos = json_string_value(json_object_get(x, "position"));
                printf("  %-24s ETA %-24s %+8.1f h  %s\n", json_string_value(json_object_get(x, "computed_at")),
                       json_string_value(json_object_get(x, "eta")), json_real_value(json_object_get(x, "delay_h")),
                       pos ? pos : "-");
            }
        }
        json_decref(root);
    }
    sr_free(j);
    sr_store_close(st);
    return rc;
}

static int ship_export(const opts *o)
{
    int rc;
    sr_store *st = open_store(o, &rc);
    if (!st)
        return rc;
    char *csv = NULL;
    sr_code c = sr_observations_csv(st, !o->no_header, &csv);
    if (c != SR_OK) {
        rc = cli_fail(0, c, "%s", sr_store_errmsg(st));
        sr_store_close(st);
        return rc;
    }
    rc = EXIT_OK;
    if (o->out) {
        /* Written to a temporary file and renamed: never a partial file. */
        char tmp[4096];
        snprintf(tmp, sizeof tmp, "%s.tmp", o->out);
        FILE *f = fopen(tmp, "wb");
        int bad = !f || fputs(csv, f) == EOF;
        if (f && fclose(f))
            bad = 1;
        if (bad || rename(tmp, o->out)) {
            remove(tmp);
            rc = cli_fail(0, SR_EIO, "--out: cannot write '%s'", o->out);
        }
    } else if (fputs(csv, stdout) == EOF) {
        rc = EXIT_FAIL;
    }
    sr_free(csv);
    sr_store_close(st);
    return rc;
}

int cmd_ship(int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
        return usage(argc < 2 ? stderr : stdout, argc < 2 ? EXIT_USAGE : EXIT_OK);
    opts o = {0};
    int pr = parse(argc, argv, &o);
    if (pr > 0)
        return EXIT_OK; /* --help */
    if (pr < 0)
        return EXIT_USAGE;
    const char *sub = argv[1];
    if (!strcmp(sub, "create"))
        return ship_create(&o);
    if (!strcmp(sub, "event"))
        return ship_event(&o);
    if (!strcmp(sub, "show") || !strcmp(sub, "list") || !strcmp(sub, "eta"))
        return ship_read(&o, sub);
    if (!strcmp(sub, "export-observations"))
        return ship_export(&o);
    fprintf(stderr, "silkroute: error: ship: unknown subcommand '%s'\n", sub);
    return usage(stderr, EXIT_USAGE);
}
