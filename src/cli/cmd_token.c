/*
 * cmd_token.c - `silkroute token create|list|revoke`: the bearer tokens of
 * the tracking API.  A token is printed once, at creation; the store keeps
 * only its SHA-256.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static int usage(FILE *f, int status)
{
    fprintf(f, "usage: silkroute token create NAME [--role reader|writer] [--rate N] [--store URI]\n"
               "       silkroute token list [--json] [--store URI]\n"
               "       silkroute token revoke NAME [--store URI]\n"
               "Tokens authorise the tracking API (reader: read shipments; writer: also create\n"
               "shipments and post events).  --rate: requests per minute (default 600).\n"
               "URI: a SQLite file (default $SILKROUTE_STORE or silkroute-track.db) or postgresql://...\n");
    return status;
}

int cmd_token(int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
        return usage(argc < 2 ? stderr : stdout, argc < 2 ? EXIT_USAGE : EXIT_OK);
    const char *sub = argv[1], *name = NULL, *store = NULL, *role_s = "reader", *rate_s = NULL;
    char cmd[64];
    snprintf(cmd, sizeof cmd, "token %.40s", sub);
    enum { O_JSON = 256, O_STORE, O_ROLE, O_RATE };
    static const struct option opts[] = {
        {"help", no_argument, NULL, 'h'}, {"json", no_argument, NULL, O_JSON},
        {"store", required_argument, NULL, O_STORE}, {"role", required_argument, NULL, O_ROLE},
        {"rate", required_argument, NULL, O_RATE}, {NULL, 0, NULL, 0},
    };
    int json = cli_has_flag(argc - 1, argv + 1, "--json");
    int oc, status = 0;
    /* The subcommand's own argv: argv[1] is "create", "list" or "revoke". */
    while ((oc = cli_getopt(argc - 1, argv + 1, cmd, opts, json, &status)) != -1) {
        switch (oc) {
        case 'h': return usage(stdout, EXIT_OK);
        case '?': return status;
        case O_JSON: json = 1; break;
        case O_STORE: store = optarg; break;
        case O_ROLE: role_s = optarg; break;
        case O_RATE: rate_s = optarg; break;
        }
    }
    if (cli_operands(argc - 1, argv + 1, cmd, 0, 1, "at most one NAME", json))
        return EXIT_USAGE;
    if (optind < argc - 1)
        name = argv[1 + optind];
    int is_create = !strcmp(sub, "create"), is_list = !strcmp(sub, "list"), is_revoke = !strcmp(sub, "revoke");
    if (!is_create && !is_list && !is_revoke) {
        fprintf(stderr, "silkroute: error: token: unknown subcommand '%s'\n", sub);
        return usage(stderr, EXIT_USAGE);
    }
    if ((is_create || is_revoke) && !name)
        return cli_fail(0, SR_EARG, "token %s: NAME missing", sub);
    sr_role role = SR_ROLE_READER;
    if (!strcmp(role_s, "writer"))
        role = SR_ROLE_WRITER;
    else if (strcmp(role_s, "reader"))
        return cli_fail(0, SR_EARG, "--role: expected reader or writer, got '%s'", role_s);
    long rate = 600;
    if (rate_s && cli_parse_int(rate_s, 1, 1000000, &rate))
        return cli_fail(0, SR_EARG, "--rate: expected 1 to 1000000 requests per minute, got '%s'", rate_s);
    sr_store *st = NULL;
    sr_code c = sr_store_open(cli_store_uri(store), &st);
    if (c != SR_OK) {
        int rc = cli_fail(json, c, "%s", st ? sr_store_errmsg(st) : sr_strerror(c));
        sr_store_close(st);
        return rc;
    }
    int rc = EXIT_OK;
    if (is_create) {
        char *tok = NULL;
        c = sr_token_create(st, name, role, rate, &tok);
        if (c == SR_OK) {
            if (json)
                printf("{\"code\":\"Ok\",\"name\":\"%s\",\"role\":\"%s\",\"token\":\"%s\"}\n", name, role_s, tok);
            else
                printf("%s\n", tok);
            fprintf(stderr, "silkroute: token '%s' (%s) created; it is shown only now, keep it safe\n", name, role_s);
        }
        sr_free(tok);
    } else if (is_revoke) {
        c = sr_token_revoke(st, name);
        if (c == SR_OK)
            fprintf(stderr, "silkroute: token '%s' revoked\n", name);
    } else {
        char *j = NULL;
        c = sr_token_list_json(st, json ? SR_JSON_PRETTY : 0, &j);
        if (c == SR_OK && json) {
            cli_puts(j);
        } else if (c == SR_OK) {
            /* A small table from the JSON the library gives. */
            json_t *o = json_loads(j, 0, NULL);
            json_t *a = json_object_get(o, "tokens");
            printf("%-24s %-7s %8s  %-22s %s\n", "name", "role", "per_min", "created", "revoked");
            for (size_t i = 0; i < json_array_size(a); i++) {
                json_t *t = json_array_get(a, i);
                const char *rv = json_string_value(json_object_get(t, "revoked"));
                printf("%-24s %-7s %8lld  %-22s %s\n", json_string_value(json_object_get(t, "name")),
                       json_string_value(json_object_get(t, "role")),
                       (long long)json_integer_value(json_object_get(t, "per_minute")),
                       json_string_value(json_object_get(t, "created")), rv ? rv : "");
            }
            json_decref(o);
        }
        sr_free(j);
    }
    if (c != SR_OK)
        rc = cli_fail(json, c, "%s", sr_store_errmsg(st));
    sr_store_close(st);
    return rc;
}
