/*
 * cli.h - shared declarations of the `silkroute` command-line tool.
 *
 * The CLI is a thin client of libsilkroute: each subcommand parses its
 * arguments, calls the public API and prints.  Subcommands are listed in a
 * table in main.c (git style); each lives in its own cmd_*.c file.
 *
 * Exit codes (one table in README, `silkroute --help` and docs/API.md):
 *   0 success; 1 I/O or internal failure (a file that cannot be read or
 *   written, or is no regular file); 2 usage error or unknown place;
 *   3 no route; 4 bad data; 5 not converged (assignment hit its iteration
 *   limit); 6 a size or work limit exceeded (the message names it).
 */
#ifndef SR_CLI_H
#define SR_CLI_H

#include <stdio.h>
#include "silkroute.h"

enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2, EXIT_NOROUTE = 3, EXIT_DATA = 4, EXIT_NOTCONV = 5, EXIT_LIMIT = 6 };

typedef int (*cli_cmd_fn)(int argc, char **argv);

/* Map a library code to the documented exit status. */
int cli_exit_code(sr_code c);
/* Print "silkroute: error: ..." to stderr, or the JSON error object to
 * stdout when json is set; returns the exit status for `c`. */
int cli_fail(int json, sr_code c, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Write all of s and a newline to stdout; non-zero if stdout failed (git
 * style: a full disk or closed pipe must not look like success). */
int cli_puts(const char *s);
/* Open the network from --data (NULL = built-in); prints errors itself and
 * returns NULL with *status set. */
sr_network *cli_open_network(const char *dir, int json, int *status);
/* Print s left-aligned in a column of `width` terminal cells (CJK counts
 * two cells), cut with "…" if longer, then one space. */
void cli_cell(const char *s, int width);
/* `route --documents`: a route's documents and customs events per segment
 * (fmt_documents.c). */
void cli_print_documents(const sr_network *net, const sr_route *r);
/*
 * Options of every subcommand go through getopt_long (GNU conventions:
 * "--name value" or "--name=value", unique prefixes, options and operands
 * in any order, "--" ends the options).  Call it in a loop like
 * getopt_long with the subcommand's argv (argv[0] is the subcommand's
 * name); it returns
 *   'h'  for --help or -h anywhere before "--", even where another option
 *        expects a value ("silkroute assign --tntp --help"): print the
 *        usage and exit 0;
 *   -1   at the end: the operands are argv[optind .. argc-1];
 *   '?'  after a bad option (unknown, missing or unexpected value, over
 *        CLI_MAX_ARG bytes): the error is printed (as JSON when json is
 *        set) in the one wording of every subcommand, and *status is its
 *        exit code (2);
 *   else the val of the matched option, with optarg set for a value.
 * `cmd` names the subcommand in messages ("route", "ship create").
 */
#include <getopt.h>
#define CLI_MAX_ARG 4096
int cli_getopt(int argc, char **argv, const char *cmd, const struct option *opts, int json, int *status);
/* Whether argv[1..] holds `flag` before "--" (for --json, read before the
 * rest so that even a usage error comes out as JSON). */
int cli_has_flag(int argc, char **argv, const char *flag);
/* The operand count check shared by subcommands: the error (as JSON when
 * json), exit 2, when argc - optind is outside [lo, hi]; else 0. */
int cli_operands(int argc, char **argv, const char *cmd, int lo, int hi, const char *what, int json);

/*
 * The route options shared by route, reach and matrix: put
 * CLI_ROUTE_OPTIONS in the command's option table, and pass each option
 * cli_getopt() returns to cli_route_opt(), which applies it to o (1), says
 * it is none of them (0), or prints the error and sets *status (-1).  The
 * strings of o point into b, which must live as long as o.
 */
enum {
    CLI_RO_BY = 1000, CLI_RO_MODES, CLI_RO_AVOID_COUNTRIES, CLI_RO_AVOID, CLI_RO_YEAR, CLI_RO_CARGO,
    CLI_RO_QUANTITY, CLI_RO_MAX_TRANSFERS, CLI_RO_WEIGHTS
};
#define CLI_ROUTE_OPTIONS                                                                                     \
    {"by", required_argument, NULL, CLI_RO_BY}, {"modes", required_argument, NULL, CLI_RO_MODES},             \
        {"avoid-countries", required_argument, NULL, CLI_RO_AVOID_COUNTRIES},                                 \
        {"avoid", required_argument, NULL, CLI_RO_AVOID}, {"year", required_argument, NULL, CLI_RO_YEAR},     \
        {"cargo", required_argument, NULL, CLI_RO_CARGO},                                                     \
        {"quantity", required_argument, NULL, CLI_RO_QUANTITY},                                               \
        {"max-transfers", required_argument, NULL, CLI_RO_MAX_TRANSFERS},                                     \
        {"weights", required_argument, NULL, CLI_RO_WEIGHTS}
typedef struct cli_route_bufs {
    char modes[CLI_MAX_ARG], avoidc[CLI_MAX_ARG], avoid[CLI_MAX_ARG];
} cli_route_bufs;
int cli_route_opt(int oc, const char *v, sr_route_options *o, cli_route_bufs *b, int json, int *status);

/* Split a comma list in place into out[] (blank entries skipped); the
 * count, or -1 when there are more than max entries. */
int cli_split_list(char *s, const char **out, int max);
/* The SR_CH_METRIC mask of --ch LIST (time, cost, co2, or none) and
 * the unit list (20ft, 40ft, t) of option --UNIT_OPT (named in errors),
 * both split in place; *count: how many metrics.  0, or the exit status of a usage error (already reported). */
int cli_ch_metrics(char *chs, char *units, const char *unit_opt, unsigned *metrics, int *count);
/* A progress counter on stderr for long queries on q, when stderr is a
 * terminal (sr_query_set_progress()); cli_progress_done() clears it. */
void cli_progress_attach(sr_query *q);
void cli_progress_done(void);
/* Parse a whole decimal integer within [lo, hi]; 0 on success.  Both use
 * the library's one strict parser (src/lib/core/num.h): no hex, no blanks. */
int cli_parse_int(const char *s, long lo, long hi, long *out);
/* Parse a finite decimal within [lo, hi]; 0 on success. */
int cli_parse_double(const char *s, double lo, double hi, double *out);
/* The usage line of the exit codes, for every --help. */
#define CLI_EXIT_CODES                                                                                        \
    "exit status: 0 ok, 1 I/O or internal failure, 2 usage error or unknown place, 3 no route,\n"           \
    "4 bad data, 5 not converged, 6 size or work limit exceeded\n"

/* v with thousands separators and `decimals` decimals into buf ("-77,813",
 * "4,699,810,000"); plus: a sign on positive values too.  Returns buf. */
const char *cli_num(char *buf, size_t cap, double v, int decimals, int plus);

int cmd_route(int argc, char **argv);
int cmd_places(int argc, char **argv);
int cmd_network(int argc, char **argv);
int cmd_check_data(int argc, char **argv);
int cmd_assign(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_critical(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_calibrate(int argc, char **argv);
int cmd_ship(int argc, char **argv);
int cmd_token(int argc, char **argv);
/* The tracking store of --store, else $SILKROUTE_STORE, else
 * silkroute-track.db in the current directory (cmd_ship.c). */
const char *cli_store_uri(const char *given);
int cmd_reach(int argc, char **argv);
int cmd_matrix(int argc, char **argv);
int cmd_pipelines(int argc, char **argv);
int cmd_compile(int argc, char **argv);
int cmd_import_osm(int argc, char **argv);
int cmd_match_osm(int argc, char **argv);

#endif
