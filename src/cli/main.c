/*
 * main.c - entry point of the `silkroute` command-line tool: dispatches to
 * the subcommand table and owns the shared helpers of cli.h.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <utf8proc.h>

#include "cli.h"
/* Internal to the library but shared on purpose: the CLI parses numbers
 * and escapes messages exactly as the library does for data files. */
#include "core/num.h"
#include "core/util.h"

static const struct cmd {
    const char *name;
    cli_cmd_fn fn;
    const char *help;
} commands[] = {
    {"route", cmd_route, "plan an intermodal route between two places"},
    {"places", cmd_places, "list or search places"},
    {"network", cmd_network, "export the network (--geojson) or print a summary"},
    {"check-data", cmd_check_data, "validate a dataset directory"},
    {"assign", cmd_assign, "assign freight demand onto the network (equilibrium)"},
    {"compare", cmd_compare, "compare a scenario against a base"},
    {"critical", cmd_critical, "rank critical links and crossings"},
    {"reach", cmd_reach, "places reachable within a time, cost or CO2e budget"},
    {"matrix", cmd_matrix, "time, cost, CO2e and distance between many places"},
    {"pipelines", cmd_pipelines, "gas and oil pipelines: capacity, flow, scenarios"},
    {"serve", cmd_serve, "run the HTTP JSON API and web map"},
    {"calibrate", cmd_calibrate, "fit transit times to the published observations"},
    {"ship", cmd_ship, "book shipments, record events, show ETAs (tracking)"},
    {"token", cmd_token, "create, list and revoke API tokens of the tracking API"},
    {"compile", cmd_compile, "write a compiled network file with contraction hierarchies"},
    {"import-osm", cmd_import_osm, "an OpenStreetMap extract as a dataset"},
    {"match-osm", cmd_match_osm, "corridor links with geometry and distance from an OSM import"},
};

static void usage(FILE *f)
{
    fprintf(f, "usage: silkroute COMMAND [OPTIONS]   (silkroute COMMAND --help)\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  %-11s %s\n", commands[i].name, commands[i].help);
    fprintf(f, "\n" CLI_EXIT_CODES);
}

void cli_cell(const char *s, int width)
{
    /* Column widths count terminal cells, not bytes, so tables of Chinese
     * and Russian names stay aligned. */
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)(s ? s : "");
    int used = 0;
    utf8proc_ssize_t len = (utf8proc_ssize_t)strlen((const char *)p);
    while (len > 0) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate(p, len, &cp);
        if (k <= 0)
            break;
        int w = utf8proc_charwidth(cp);
        if (used + w > width - 1 && k < len) {
            /* Not the last character and no room for it plus the ellipsis. */
            int rest = 0;
            utf8proc_ssize_t q = 0;
            while (q < len) {
                utf8proc_int32_t c2;
                utf8proc_ssize_t k2 = utf8proc_iterate(p + q, len - q, &c2);
                if (k2 <= 0)
                    break;
                rest += utf8proc_charwidth(c2);
                q += k2;
            }
            if (used + rest > width) {
                fputs("…", stdout);
                used++;
                len = 0;
                break;
            }
        }
        fwrite(p, 1, (size_t)k, stdout);
        used += w;
        p += k;
        len -= k;
    }
    for (; used < width; used++)
        fputc(' ', stdout);
    fputc(' ', stdout);
}

int cli_has_flag(int argc, char **argv, const char *flag)
{
    for (int i = 1; i < argc && strcmp(argv[i], "--"); i++)
        if (!strcmp(argv[i], flag))
            return 1;
    return 0;
}

/* The option table entry whose val is `val`, or NULL. */
static const struct option *opt_by_val(const struct option *opts, int val)
{
    for (const struct option *o = opts; o->name; o++)
        if (!o->flag && o->val == val)
            return o;
    return NULL;
}

int cli_getopt(int argc, char **argv, const char *cmd, const struct option *opts, int json, int *status)
{
    /* getopt keeps its state in globals; one subcommand runs per process,
     * so the first call of a parse starts it anew. */
    static char **started;
    if (started != argv) {
        started = argv;
        optind = 0; /* 0, not 1: GNU getopt then also resets its own state */
        opterr = 0;
        for (int i = 1; i < argc && strcmp(argv[i], "--"); i++)
            if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
                return 'h';
        for (int i = 1; i < argc; i++)
            if (strlen(argv[i]) > CLI_MAX_ARG - 1) {
                *status = cli_fail(json, SR_EARG, "%s: argument %d is longer than %d bytes", cmd, i, CLI_MAX_ARG - 1);
                return '?';
            }
    }
    int idx = -1;
    /* The leading ':' makes a missing value ':' rather than '?'. */
    int c = getopt_long(argc, argv, ":h", opts, &idx);
    if (c == ':' || c == '?') {
        const struct option *o = optopt ? opt_by_val(opts, optopt) : NULL;
        const char *given = optind > 0 && optind <= argc ? argv[optind - 1] : "";
        if (c == ':' && o)
            *status = cli_fail(json, SR_EARG, "%s: option '--%s' needs a value (see silkroute %s --help)", cmd, o->name, cmd);
        else if (o && o->has_arg == no_argument)
            *status = cli_fail(json, SR_EARG, "%s: option '--%s' takes no value (see silkroute %s --help)", cmd, o->name, cmd);
        else if (optopt && !o)
            *status = cli_fail(json, SR_EARG, "%s: unknown option '-%c' (see silkroute %s --help)", cmd, optopt, cmd);
        else {
            /* A prefix of several options is ambiguous: name them. */
            char cands[300] = "";
            int dashes = given[0] == '-' && given[1] == '-';
            size_t len = dashes ? strcspn(given + 2, "=") : 0, nc = 0, used = 0;
            if (len)
                for (const struct option *x = opts; x->name; x++)
                    if (!strncmp(x->name, given + 2, len) && used < sizeof cands - 40) {
                        int w = snprintf(cands + used, sizeof cands - used, "%s--%s", nc++ ? ", " : "", x->name);
                        used += w > 0 ? (size_t)w : 0;
                    }
            if (nc > 1)
                *status = cli_fail(json, SR_EARG, "%s: ambiguous option '%s' (%s)", cmd, given, cands);
            else
                *status = cli_fail(json, SR_EARG, "%s: unknown option '%s' (see silkroute %s --help)", cmd, given, cmd);
        }
        return '?';
    }
    return c;
}

int cli_operands(int argc, char **argv, const char *cmd, int lo, int hi, const char *what, int json)
{
    int n = argc - optind;
    if (n >= lo && n <= hi)
        return 0;
    if (n > hi)
        return cli_fail(json, SR_EARG, "%s: unexpected argument '%s': give %s (see silkroute %s --help)", cmd,
                        argv[optind + hi], what, cmd);
    return cli_fail(json, SR_EARG, "%s: give %s (see silkroute %s --help)", cmd, what, cmd);
}

/* Split a comma list in place into out[]; returns the count or -1 when
 * there are more than max entries. */
int cli_split_list(char *s, const char **out, int max)
{
    int n = 0;
    char *save = NULL;
    for (char *t = strtok_r(s, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        while (*t == ' ')
            t++;
        if (!*t)
            continue;
        if (n == max)
            return -1;
        out[n++] = t;
    }
    return n;
}

int cli_exit_code(sr_code c)
{
    switch (c) {
    case SR_OK: return EXIT_OK;
    case SR_EARG: case SR_EPLACE: case SR_ENOTFOUND: case SR_ECONFLICT: return EXIT_USAGE;
    case SR_ENOROUTE: return EXIT_NOROUTE;
    case SR_EDATA: return EXIT_DATA;
    case SR_ENOTCONVERGED: case SR_ESTALLED: return EXIT_NOTCONV;
    case SR_ELIMIT: return EXIT_LIMIT;
    /* SR_EIO (unreadable, unwritable or not a regular file), SR_ENOMEM,
     * SR_EINTERNAL and anything else: 1. */
    default: return EXIT_FAIL;
    }
}

int cli_fail(int json, sr_code c, const char *fmt, ...)
{
    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    /* Messages quote arguments and names from data: no raw control bytes
     * reach the terminal (or invalid UTF-8 the JSON writer). */
    sr__escape_inplace(msg, sizeof msg);
    if (json) {
        char *j = sr_error_json(c, msg, 0);
        if (j)
            cli_puts(j);
        sr_free(j);
    } else {
        fprintf(stderr, "silkroute: error: %s\n", msg);
    }
    return cli_exit_code(c);
}

int cli_puts(const char *s)
{
    if (fputs(s, stdout) == EOF || fputc('\n', stdout) == EOF)
        return -1;
    return 0;
}

sr_network *cli_open_network(const char *dir, int json, int *status)
{
    sr_network *net = NULL;
    sr_code c = sr_network_open(dir, &net);
    if (c != SR_OK) {
        *status = cli_fail(json, c, "%s", net ? sr_network_errmsg(net) : sr_strerror(c));
        sr_network_close(net);
        return NULL;
    }
    *status = 0;
    return net;
}

int cli_ch_metrics(char *chs, char *units, const char *unit_opt, unsigned *metrics_out, int *count)
{
    unsigned objs = 0, umask = 0;
    const char *list[8];
    int n = strcmp(chs, "none") ? cli_split_list(chs, list, 8) : 0;
    if (n < 0)
        return cli_fail(0, SR_EARG, "--ch: at most 3 objectives");
    for (int k = 0; k < n; k++) {
        if (!strcmp(list[k], "time"))
            objs |= 1u << SR_BY_TIME;
        else if (!strcmp(list[k], "cost"))
            objs |= 1u << SR_BY_COST;
        else if (!strcmp(list[k], "co2"))
            objs |= 1u << SR_BY_CO2;
        else
            return cli_fail(0, SR_EARG, "--ch: '%s' is not one of time, cost, co2, none", list[k]);
    }
    n = cli_split_list(units, list, 8);
    if (n <= 0)
        return cli_fail(0, SR_EARG, "--%s: expected a list of 20ft, 40ft, t", unit_opt);
    for (int k = 0; k < n; k++) {
        if (!strcmp(list[k], "20ft"))
            umask |= 1u << SR_UNIT_20FT;
        else if (!strcmp(list[k], "40ft"))
            umask |= 1u << SR_UNIT_40FT;
        else if (!strcmp(list[k], "t"))
            umask |= 1u << SR_UNIT_T;
        else
            return cli_fail(0, SR_EARG, "--%s: '%s' is not one of 20ft, 40ft, t", unit_opt, list[k]);
    }
    unsigned metrics = 0;
    int total = 0;
    for (int o = 0; o < 3; o++)
        for (int u = 0; u < SR_UNIT_COUNT; u++)
            if ((objs & (1u << o)) && (umask & (1u << u))) {
                metrics |= SR_CH_METRIC(o, u);
                total++;
            }
    *metrics_out = metrics;
    *count = total;
    return 0;
}

int cli_parse_int(const char *s, long lo, long hi, long *out) { return sr__parse_long(s, lo, hi, out) ? -1 : 0; }

int cli_parse_double(const char *s, double lo, double hi, double *out)
{
    return sr__parse_double(s, lo, hi, out) ? -1 : 0;
}

static int progress_shown;

static void progress_print(void *ctx, uint64_t done, uint64_t max, double seconds)
{
    (void)ctx;
    /* One line, rewritten in place; percent of the work budget, since how
     * much a search needs is not known before it ends. */
    fprintf(stderr, "\r  searching: %.1f M labels (%.0f%% of the work budget), %.1f s ", (double)done / 1e6,
            max ? 100.0 * (double)done / (double)max : 0.0, seconds);
    fflush(stderr);
    progress_shown = 1;
}

void cli_progress_attach(sr_query *q)
{
    if (isatty(STDERR_FILENO))
        sr_query_set_progress(q, progress_print, NULL);
}

void cli_progress_done(void)
{
    if (progress_shown)
        fputs("\r\033[K", stderr);
    progress_shown = 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return EXIT_OK;
    }
    if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
        printf("silkroute %s\n", SR_VERSION);
        return EXIT_OK;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        if (!strcmp(argv[1], commands[i].name)) {
            int rc = commands[i].fn(argc - 1, argv + 1);
            /* A write error on stdout (full disk, closed pipe) is a failure. */
            if (fflush(stdout) != 0 || ferror(stdout)) {
                fprintf(stderr, "silkroute: error: cannot write output: %s\n", strerror(errno));
                return EXIT_FAIL;
            }
            return rc;
        }
    }
    fprintf(stderr, "silkroute: error: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return EXIT_USAGE;
}
