/*
 * route_opts.c - the route options shared by `silkroute route`, `reach`
 * and `matrix` (--by, --modes, --avoid-countries, --avoid, --year, --cargo,
 * --quantity, --max-transfers, --weights): one parser, so that the three
 * commands read the same option the same way and word its errors alike.
 */
#include <string.h>

#include "cli.h"
#include "core/num.h" /* the library's strict number parser */

int cli_route_opt(int oc, const char *v, sr_route_options *o, cli_route_bufs *b, int json, int *status)
{
#define FAIL(...) return (*status = cli_fail(json, SR_EARG, __VA_ARGS__), -1)
    switch (oc) {
    case CLI_RO_BY:
        if (!strcmp(v, "time"))
            o->objective = SR_BY_TIME;
        else if (!strcmp(v, "cost"))
            o->objective = SR_BY_COST;
        else if (!strcmp(v, "co2") || !strcmp(v, "co2e"))
            o->objective = SR_BY_CO2;
        else if (!strcmp(v, "reliable"))
            o->objective = SR_BY_RELIABLE;
        else
            FAIL("--by: '%s' is not one of time, cost, co2, reliable", v);
        return 1;
    case CLI_RO_MODES: {
        snprintf(b->modes, sizeof b->modes, "%s", v);
        const char *m[8];
        int n = cli_split_list(b->modes, m, 8);
        o->modes = 0;
        for (int k = 0; k < n; k++) {
            int md = sr_mode_parse(m[k]);
            if (md < 0)
                FAIL("--modes: '%s' is not one of rail, road, sea, air", m[k]);
            o->modes |= SR_MODE_BIT(md);
        }
        if (n <= 0)
            FAIL("--modes: give at least one of rail, road, sea, air");
        return 1;
    }
    case CLI_RO_AVOID_COUNTRIES: {
        snprintf(b->avoidc, sizeof b->avoidc, "%s", v);
        int n = cli_split_list(b->avoidc, o->avoid_countries, SR_MAX_AVOID);
        if (n < 0)
            FAIL("--avoid-countries: at most %d countries", SR_MAX_AVOID);
        o->n_avoid_countries = (size_t)n;
        return 1;
    }
    case CLI_RO_AVOID: {
        snprintf(b->avoid, sizeof b->avoid, "%s", v);
        int n = cli_split_list(b->avoid, o->avoid, SR_MAX_AVOID);
        if (n < 0)
            FAIL("--avoid: at most %d places or crossings", SR_MAX_AVOID);
        o->n_avoid = (size_t)n;
        return 1;
    }
    case CLI_RO_YEAR: {
        long y;
        if (cli_parse_int(v, 1800, 2200, &y))
            FAIL("--year: '%s' is not a year between 1800 and 2200", v);
        o->year = (int)y;
        return 1;
    }
    case CLI_RO_CARGO: {
        int u = sr_unit_parse(v);
        if (u < 0)
            FAIL("--cargo: '%s' is not one of 20ft, 40ft, t", v);
        o->unit = (sr_unit)u;
        return 1;
    }
    case CLI_RO_QUANTITY:
        if (cli_parse_double(v, 1e-9, 1e9, &o->quantity))
            FAIL("--quantity: '%s' is not a number in (0, 1e9]", v);
        return 1;
    case CLI_RO_MAX_TRANSFERS: {
        long n;
        /* -1 is no limit, as in the API and the HTTP parameter. */
        if (cli_parse_int(v, -1, 31, &n))
            FAIL("--max-transfers: '%s' is not a whole number from 0 to 31 (-1: no limit)", v);
        o->max_transfers = (int)n;
        return 1;
    }
    case CLI_RO_WEIGHTS: {
        double w[3];
        /* Exactly three numbers, no empty item ("1,,0,0" is an error). */
        int wr = sr__parse_double_list(v, 0, 1e12, w, 3);
        if (wr)
            FAIL("--weights: '%.100s' %s: give three non-negative numbers TIME_H,COST_USD,CO2E_KG", v,
                 wr == SR__NUM_EMPTY ? "has an empty item" : sr__num_why(wr));
        o->objective = SR_BY_BLEND;
        o->weight_time_h = w[0];
        o->weight_cost_usd = w[1];
        o->weight_co2e_kg = w[2];
        return 1;
    }
    default:
        return 0;
    }
#undef FAIL
}
