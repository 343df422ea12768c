/*
 * test_coverage_borders.c - the border crossings of the default dataset
 * between the neighbours CN, KZ, KG, TJ, UZ, TM, AF, IR, PK, MN and RU
 * (issue 9), checked against the published lists and surveys cited beside
 * each row (ids in data/sources.csv):
 *  - per neighbour pair, the principal published rail and road crossings
 *    are modelled, each with a dwell and an opening regime, and a crossing
 *    between two members of one customs union is internal (the test prints
 *    the table of crossings per pair, the check a person compares with the
 *    published lists);
 *  - border dwell by direction where the CAREC CPMM surveys give entry and
 *    exit times separately (they differ several-fold), both through
 *    sr_crossing_dwell() and as routes report it;
 *  - rail crossing capacities are never below the crossing's own cited
 *    throughput;
 *  - the Chinese origins that used to cite only the assumption
 *    A-east-origins cite a read source;
 *  - golden routes over the added crossings (Taraz -> Talas internal to the
 *    EAEU over Chon-Kapka, Samarkand -> Penjikent over Sarazm-Jartepa,
 *    Fergana -> Batken over Kyzyl-Kiya, Urumqi -> Yarant over
 *    Takeshikent).
 * Needs the default dataset (data/); it is part of the repository.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "silkroute.h"
#include "util.h"

static sr_network *net;
static sr_query *q;

static int setup(void **st)
{
    (void)st;
    return tu_open_data("data", &net, &q);
}

static int teardown(void **st)
{
    (void)st;
    tu_close_data(net, q);
    return 0;
}

static const char *country_of(uint32_t place) { return sr_network_place(net, place)->country; }

static int pair_is(const sr_crossing *x, const char *a, const char *b)
{
    const char *ca = country_of(x->place_a), *cb = country_of(x->place_b);
    return (!strcmp(ca, a) && !strcmp(cb, b)) || (!strcmp(ca, b) && !strcmp(cb, a));
}

static long crossing(const char *id)
{
    long x = sr_crossing_find(net, id);
    if (x < 0)
        fail_msg("crossing %s is not in the dataset", id);
    return x;
}

/* Per neighbour pair: the least number of open rail and road crossings the
 * published lists name (planned ones, with open_year, are not counted).
 * Afghanistan-China has none: the Wakhjir pass has no border post. */
static void crossings_per_neighbour_pair(void **st)
{
    (void)st;
    static const struct {
        const char *a, *b;
        int rail, road;
        const char *source;
    } pairs[] = {
        {"CN", "KZ", 2, 5, "Khorgos, Dostyk rail; Khorgos, Dostyk/Alakol, Kalzhat, Bakhty, Maikapchagai road (S-cov9-caravan-kz-bcp)"},
        {"CN", "KG", 0, 3, "Torugart, Irkeshtam, Bedel (S-cov9-24kg-2025-02, S-newsasia-bedel)"},
        {"CN", "TJ", 0, 1, "Karasu-Kulma (S-kulma-wiki)"},
        {"CN", "PK", 0, 1, "Khunjerab (S-west-kkh-wiki)"},
        {"CN", "MN", 1, 3, "Erenhot rail; Erenhot, Ganqimaodu, Takeshikent road (S-east-carec-2023-mn, S-cov9-carec-2020-cn)"},
        {"CN", "RU", 4, 3, "Manzhouli, Suifenhe, Tongjiang, Hunchun rail; Manzhouli, Suifenhe, Heihe road"},
        {"KZ", "KG", 1, 7, "8 checkpoints (S-west-inform-2018-kegen; S-cov9-vbkg-2020-checkpoints, S-west-barometr-2022)"},
        {"KZ", "UZ", 2, 6, "Saryagash, Oazis rail; Zhibek Zholy, Tazhen, Kazygurt, Kaplanbek, Atameken, Yallama road"},
        {"KZ", "TM", 1, 1, "Bolashak rail, Temir-Baba road (S-inform-2013-bolashak, S-west-trend-2025-12-kazygurt)"},
        {"KZ", "RU", 6, 5, "Trans-Siberian, Turksib, South Siberian, Northern route crossings"},
        {"KG", "TJ", 0, 4, "Karamyk, Bor-Dobo, Kyzyl-Bel, Kairagach (S-west-orda-2025-03, S-cov9c-24kg-2025-03-kgtj)"},
        {"KG", "UZ", 2, 2, "Kara-Suu, Khanabad rail; Dostuk, Kyzyl-Kiya road (S-cov9-24kg-2025-02)"},
        {"TJ", "UZ", 3, 3, "Bekabad, Kanibadam, Tursunzade rail; Tursunzade, Fotehobod, Sarazm road (S-cov9-skladi-2020-sarazm)"},
        {"TJ", "AF", 0, 1, "Panji Poyon-Sher Khan Bandar (S-cov9-carec-2022-tj)"},
        {"UZ", "TM", 1, 3, "Farap rail and road; Dashoguz-Shavat, Kunya-Urgench-Khojeyli road (S-cov9-carec-2022-uz-bcp, S-cov9c-sputnik-2021-shovot)"},
        {"UZ", "AF", 1, 1, "Friendship Bridge (S-west-wiki-friendship-bridge)"},
        {"TM", "AF", 2, 2, "Serhetabat-Torghundi, Imamnazar-Aqina (S-west-grantham-torghundi)"},
        {"TM", "IR", 2, 3, "Sarakhs, Inche Burun rail; Sarakhs, Bajgiran, Inche Burun road"},
        {"AF", "IR", 1, 1, "Khaf-Herat railway at Shamtigh-Rozanak (S-cov9c-nca-2023-khafherat); Islam Qala-Dogharoun road"},
        {"AF", "PK", 0, 3, "Torkham, Chaman (S-cov9-carec-2022-pk), Ghulam Khan (S-cov9c-dailypakistan-2020-ghulamkhan)"},
        {"IR", "PK", 1, 1, "Mirjaveh-Taftan (S-west-pakrail-ml)"},
        {"MN", "RU", 2, 2, "Naushki, Ereentsav rail; Kyakhta, Tashanta-Tsagaannuur road (S-east-portnews-naushki-2023, S-cov9c-rpta-tashanta)"},
        {"CN", "AF", 0, 0, "no border post at the Wakhjir pass"},
    };
    print_message("    %-6s %5s %5s  %s\n", "pair", "rail", "road", "crossings (published list)");
    for (size_t p = 0; p < sizeof pairs / sizeof pairs[0]; p++) {
        int rail = 0, road = 0;
        const char *un = sr_network_common_union(net, pairs[p].a, pairs[p].b, 0);
        for (size_t i = 0; i < sr_network_crossing_count(net); i++) {
            const sr_crossing *x = sr_network_crossing(net, i);
            if (!pair_is(x, pairs[p].a, pairs[p].b))
                continue;
            /* Every crossing has a dwell and an opening regime. */
            assert_true(x->dwell_h >= 0);
            assert_true(x->open_days != NULL && x->open_hours != NULL && x->open_season != NULL);
            /* Internal to a union: the dwell holds only what remains at such
             * a border (EAEU internal borders 2-6 h, A-dwell-rail,
             * A-west-dwell-internal). */
            if (un)
                assert_true(x->dwell_h <= 6);
            int planned = 0;
            for (size_t k = 0; k < sr_network_link_count(net); k++) {
                const sr_link *l = sr_network_link(net, k);
                if (l->crossing == (int32_t)i && l->status == SR_PLANNED)
                    planned = 1;
            }
            if (planned)
                continue;
            rail += x->mode == SR_RAIL;
            road += x->mode == SR_ROAD;
        }
        print_message("    %s-%s  %5d %5d  %s%s%s\n", pairs[p].a, pairs[p].b, rail, road, pairs[p].source,
                      un ? "; internal to " : "", un ? un : "");
        if (rail < pairs[p].rail || road < pairs[p].road)
            fail_msg("%s-%s: %d rail and %d road crossings, the published lists name %d and %d (%s)", pairs[p].a,
                     pairs[p].b, rail, road, pairs[p].rail, pairs[p].road, pairs[p].source);
    }
    /* The Kazakh-Kyrgyz and Kazakh-Russian borders are internal to the EAEU. */
    assert_string_equal(sr_network_common_union(net, "KZ", "KG", 0), "EAEU");
    assert_string_equal(sr_network_common_union(net, "KZ", "RU", 0), "EAEU");
    assert_null(sr_network_common_union(net, "KG", "TJ", 0));
    assert_null(sr_network_common_union(net, "KZ", "UZ", 0));
}

/* Direction-specific dwell from the CAREC CPMM country tables: outbound
 * (leaving the reporting country) and inbound differ. */
static void directional_dwell_from_surveys(void **st)
{
    (void)st;
    static const struct {
        const char *id;
        double ab, ba; /* P50 hours, place_a -> place_b and back */
        const char *what;
    } rows[] = {
        {"X-PANJIPOYON-SHERKHAN-ROAD", 2.1, 7.4, "Panji Poyon TJ->AF 2.1 h, AF->TJ 7.4 h (2022, S-cov9-carec-2022-tj)"},
        {"X-SARIASIYA-TURSUNZADE-ROAD", 2.2, 3.8, "Dusti UZ->TJ 2.2 h, TJ->UZ 3.8 h (2022, S-cov9-carec-2022-tj)"},
        {"X-KARAMYK-ROAD", 2.2, 2.7, "Karamyk KG->TJ 2.2 h, TJ->KG 2.7 h (2021, S-cov9-carec-2022-tj)"},
        {"X-OYBEK-FOTEHOBOD-ROAD", 4.7, 2.4, "Fotehobod UZ->TJ 4.7 h, TJ->UZ 2.4 h (2021, S-cov9-carec-2022-tj)"},
        {"X-FARAP-OLOT-ROAD", 1.7, 3.9, "Alat TM->UZ 1.7 h, UZ->TM 3.9 h (2022, S-cov9-carec-2022-uz-bcp)"},
        {"X-CHAMAN-ROAD", 20.2, 54.0, "Spin Buldak 20.2 h (2020, S-cov9-carec-2020-af), Chaman PK->AF 54.0 h (2022, S-cov9-carec-2022-pk)"},
        {"X-TORKHAM-ROAD", 24.2, 24.2, "Torkham 24.2 h (2020, S-cov9-carec-2020-af), Peshawar PK->AF 24.2 h (2022)"},
        {"X-CHALDYBAR-ROAD", 2.0, 6.8, "Chaldovar KG->KZ 6.8 h (2020, S-carec-cpmm-2020-kg); KZ->KG internal 2 h"},
        {"X-TAKESHIKENT-YARANT-ROAD", 31.8, 6.0, "Takeshikent CN->MN 31.8 h (2020, S-cov9-carec-2020-cn)"},
        {"X-KHUNJERAB-ROAD", 2.3, 12.0, "Khunjerab into Pakistan 2.3 h (2020, S-cov9-carec-2022-pk)"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        long x = crossing(rows[i].id);
        double ab, ba;
        assert_int_equal(sr_crossing_dwell(net, (size_t)x, 0, &ab, NULL), SR_OK);
        assert_int_equal(sr_crossing_dwell(net, (size_t)x, 1, &ba, NULL), SR_OK);
        print_message("    %-30s a-b %6.2f h  b-a %6.2f h  %s\n", rows[i].id, ab, ba, rows[i].what);
        if (fabs(ab - rows[i].ab) > 1e-6 || fabs(ba - rows[i].ba) > 1e-6)
            fail_msg("%s: dwell %.2f / %.2f h, the survey gives %.2f / %.2f h", rows[i].id, ab, ba, rows[i].ab, rows[i].ba);
    }
}

/* The main Kazakh crossings have a data/crossing_times.csv row for each
 * direction: a survey where one is published, else the symmetric typical
 * dwell labelled A-cov9c-dwell-symmetric.  Read from the file, since the
 * calibration overlay (data/calibrated.scn) changes the loaded values. */
static void kazakh_crossings_have_both_directions(void **st)
{
    (void)st;
    static const char *const ids[] = {"X-ALASHANKOU-DOSTYK-RAIL", "X-KHORGOS-ALTYNKOL-RAIL", "X-KORDAY-AKZHOL-ROAD",
                                      "X-ZHIBEKZHOLY-GISHTKUPRIK-ROAD"};
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
        FILE *f = fopen("data/crossing_times.csv", "r");
        assert_non_null(f);
        char line[1024];
        int ab = 0, ba = 0, labelled = 1;
        size_t n = strlen(ids[i]);
        while (fgets(line, sizeof line, f)) {
            if (strncmp(line, ids[i], n) || line[n] != ',')
                continue;
            const char *dir = line + n + 1;
            int is_ab = !strncmp(dir, "a-b,", 4) || !strncmp(dir, "both,", 5);
            int is_ba = !strncmp(dir, "b-a,", 4) || !strncmp(dir, "both,", 5);
            ab |= is_ab;
            ba |= is_ba;
            /* An assumption row names the symmetric-dwell label or another
             * A- source; a survey row names its survey. */
            if (strstr(line, ",assumption,") && !strstr(line, ",A-") && !strstr(line, ";A-"))
                labelled = 0;
        }
        fclose(f);
        print_message("    %-32s a-b %s  b-a %s\n", ids[i], ab ? "yes" : "no", ba ? "yes" : "no");
        if (!ab || !ba || !labelled)
            fail_msg("%s: crossing_times.csv needs a row per direction (a-b %d, b-a %d, labelled %d)", ids[i], ab, ba,
                     labelled);
    }
}

typedef struct query {
    const char *from, *to;
    unsigned modes;
} query;

static const sr_route *first(const query *x, sr_result **r)
{
    sr_route_options o;
    sr_route_options_init(&o);
    o.from = x->from;
    o.to = x->to;
    o.objective = SR_BY_TIME;
    o.modes = x->modes;
    *r = NULL;
    sr_code c = sr_route_query(q, &o, r);
    if (c != SR_OK)
        fail_msg("%s -> %s: %s: %s", x->from, x->to, sr_code_name(c), sr_query_errmsg(q));
    assert_true(sr_result_count(*r) >= 1);
    return sr_result_route(*r, 0);
}

/* The border record of a route at crossing id, or NULL. */
static const sr_border_crossing *at_crossing(const sr_route *r, const char *id)
{
    long x = crossing(id);
    for (size_t i = 0; i < r->n_crossings; i++)
        if (r->crossings[i].crossing == x)
            return &r->crossings[i];
    return NULL;
}

/* Routes report the dwell of the direction they cross. */
static void routes_report_directional_dwell(void **st)
{
    (void)st;
    static const struct {
        const char *from, *to, *crossing;
        double dwell;
    } rows[] = {
        {"Dushanbe", "Kunduz", "X-PANJIPOYON-SHERKHAN-ROAD", 2.1},
        {"Kunduz", "Dushanbe", "X-PANJIPOYON-SHERKHAN-ROAD", 7.4},
        {"Dushanbe", "Termez", "X-SARIASIYA-TURSUNZADE-ROAD", 3.8},
        {"Termez", "Dushanbe", "X-SARIASIYA-TURSUNZADE-ROAD", 2.2},
        {"Peshawar", "Kabul", "X-TORKHAM-ROAD", 24.2},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        const query x = {rows[i].from, rows[i].to, SR_MODE_BIT(SR_ROAD)};
        sr_result *r;
        const sr_route *rt = first(&x, &r);
        const sr_border_crossing *b = at_crossing(rt, rows[i].crossing);
        if (!b)
            fail_msg("%s -> %s does not cross at %s", rows[i].from, rows[i].to, rows[i].crossing);
        assert_true(fabs(b->dwell_h - rows[i].dwell) < 1e-6);
        sr_result_free(r);
    }
}

/* Rail crossing capacities are at least the throughput the crossing's own
 * sources report (TEU per day; trains at 82 TEU, A-train-teu; tonnes at
 * 10 t per TEU, A-cov9-capacity-tonnes). */
static void rail_capacity_not_below_throughput(void **st)
{
    (void)st;
    static const struct {
        const char *id;
        double teu_per_day;
        const char *what;
    } rows[] = {
        {"X-KHORGOS-ALTYNKOL-RAIL", 3589.0 * 82 / 365, "3,589 container trains in 2025 (S-agrosearch-2026-01)"},
        {"X-KHORGOS-ALTYNKOL-RAIL", 19.5 * 82, "19-20 trains/day after October 2022 (S-railfreight-2022-khorgos)"},
        {"X-ALASHANKOU-DOSTYK-RAIL", 14 * 82, "14 train exchanges a day (S-ktz-2025-03)"},
        {"X-MANZHOULI-ZABAYKALSK-RAIL", 24 * 82, "24 trains a day China->Russia (S-east-jsn-zabaykalsk-2022)"},
        {"X-ERENHOT-ZAMYNUUD-RAIL", 802.0 / 90 * 82, "802 China-Europe trains in Q1 2024 (S-cov9-people-2024-erenhot)"},
        {"X-SARYAGASH-KELES-RAIL", 27e6 / 365 / 10, "27 Mt a year, at full capacity (S-cov9-inform-saryagash)"},
        {"X-BOLASHAK-SERHETYAKA-RAIL", 1.2e6 / 365 / 10, "about 1.2 Mt in 2022 (S-cov9-jjtv-2023-bolashak)"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        const sr_crossing *x = sr_network_crossing(net, (size_t)crossing(rows[i].id));
        print_message("    %-30s capacity %6.0f TEU/day, throughput %6.0f: %s\n", rows[i].id, x->capacity_teu_per_day,
                      rows[i].teu_per_day, rows[i].what);
        if (x->capacity_teu_per_day + 0.5 < rows[i].teu_per_day)
            fail_msg("%s: capacity %.0f TEU/day is below its cited throughput %.0f (%s)", rows[i].id,
                     x->capacity_teu_per_day, rows[i].teu_per_day, rows[i].what);
    }
    /* Every open rail crossing between China, Kazakhstan, Mongolia and
     * Russia where trains change gauge has a capacity. */
    static const char *const cap[] = {"X-ALASHANKOU-DOSTYK-RAIL", "X-KHORGOS-ALTYNKOL-RAIL", "X-MANZHOULI-ZABAYKALSK-RAIL",
                                      "X-ERENHOT-ZAMYNUUD-RAIL", "X-TONGJIANG-NIZHNELENINSKOYE-RAIL"};
    for (size_t i = 0; i < sizeof cap / sizeof cap[0]; i++)
        assert_true(sr_network_crossing(net, (size_t)crossing(cap[i]))->capacity_teu_per_day > 0);
}

/* The place row's source column (data/places.csv has no quoted fields). */
static int place_source(const char *id, char *out, size_t cap)
{
    FILE *f = fopen("data/places.csv", "r");
    if (!f)
        return -1;
    char line[2048];
    size_t n = strlen(id);
    int found = -1;
    while (fgets(line, sizeof line, f))
        if (!strncmp(line, id, n) && line[n] == ',') {
            line[strcspn(line, "\r\n")] = 0;
            const char *s = strrchr(line, ',');
            snprintf(out, cap, "%s", s ? s + 1 : "");
            found = 0;
            break;
        }
    fclose(f);
    return found;
}

/* The Chinese origins first modelled on A-east-origins alone now cite the
 * page about their service that was read. */
static void chinese_origins_cite_a_read_source(void **st)
{
    (void)st;
    static const char *const ids[][2] = {
        {"CNBJS", "S-cov9-xinhua-2024-beijing"},    {"CNTSN", "S-cov9-people-2024-tianjin"},
        {"CNSHE", "S-cov9-gt-2017-shenyang"},       {"CNDLC", "S-cov9-hsn-2022-dalian"},
        {"CN-NANNING", "S-cov9-people-2021-nanning"}, {"CN-HOHHOT", "S-cov9-cd-2016-innermongolia"},
        {"CN-BAOTOU", "S-cov9-cd-2016-innermongolia"}, {"CN-YINCHUAN", "S-cov9-people-2022-yinchuan"},
        {"CN-DONGGUAN", "S-cov9-56ok-2023-dongguan"},
        {"CN-KUNMING", "S-cov9c-yunnan-2019-kunming"},  {"CN-NANTONG", "S-cov9c-chinaorg-2016-nantong"},
        {"CN-YINGKOU", "S-cov9c-china-2014-yingkou"},
    };
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
        char src[512];
        if (place_source(ids[i][0], src, sizeof src) < 0)
            fail_msg("%s: not in data/places.csv", ids[i][0]);
        if (!strstr(src, ids[i][1]) || strstr(src, "A-east-origins"))
            fail_msg("%s: source '%s' should cite %s and not A-east-origins", ids[i][0], src, ids[i][1]);
    }
}

/* Golden routes over the added crossings. */
static void routes_over_added_crossings(void **st)
{
    (void)st;
    sr_result *r;
    /* Taraz -> Talas: the Talas valley's crossing with Kazakhstan,
     * Chon-Kapka (S-west-barometr-2022), internal to the EAEU. */
    const query a = {"Taraz", "Talas", SR_MODE_BIT(SR_ROAD)};
    const sr_route *rt = first(&a, &r);
    const sr_border_crossing *b = at_crossing(rt, "X-CHONKAPKA-ROAD");
    assert_non_null(b);
    assert_string_equal(b->from_country, "KZ");
    assert_string_equal(b->to_country, "KG");
    assert_non_null(b->internal_union);
    assert_string_equal(b->internal_union, "EAEU");
    assert_true(rt->distance_km > 90 && rt->distance_km < 130); /* Taraz-Talas about 100 km by road */
    sr_result_free(r);
    /* Samarkand -> Penjikent over Sarazm-Jartepa, open for goods since
     * 2020 (S-cov9-skladi-2020-sarazm); external: no common union. */
    const query c = {"Samarkand", "Penjikent", SR_MODE_BIT(SR_ROAD)};
    rt = first(&c, &r);
    b = at_crossing(rt, "X-SARAZM-JARTEPA-ROAD");
    assert_non_null(b);
    assert_null(b->internal_union);
    assert_true(rt->distance_km < 100);
    sr_result_free(r);
    /* Fergana -> Batken over Kyzyl-Kiya (S-cov9-24kg-2025-02). */
    const query d = {"Fergana", "Batken", SR_MODE_BIT(SR_ROAD)};
    rt = first(&d, &r);
    assert_non_null(at_crossing(rt, "X-KYZYLKIYA-ROAD"));
    sr_result_free(r);
    /* Urumqi -> Yarant over Takeshikent, with its surveyed outbound dwell
     * and working-day regime. */
    const query e = {"Urumqi", "MN-YARANT", SR_MODE_BIT(SR_ROAD)};
    rt = first(&e, &r);
    b = at_crossing(rt, "X-TAKESHIKENT-YARANT-ROAD");
    assert_non_null(b);
    assert_true(fabs(b->dwell_h - 31.8) < 1e-6);
    assert_string_equal(sr_network_crossing(net, (size_t)crossing("X-TAKESHIKENT-YARANT-ROAD"))->open_days,
                        "Mon;Tue;Wed;Thu;Fri");
    sr_result_free(r);
    /* Shymkent -> Tashkent with Zhibek Zholy-Gishtkuprik, Kazygurt and
     * Kaplanbek avoided still has a road over Yallama. */
    sr_route_options o;
    sr_route_options_init(&o);
    o.from = "Shymkent";
    o.to = "Tashkent";
    o.modes = SR_MODE_BIT(SR_ROAD);
    o.avoid[o.n_avoid++] = "X-ZHIBEKZHOLY-GISHTKUPRIK-ROAD";
    o.avoid[o.n_avoid++] = "X-KAZYGURT-ROAD";
    o.avoid[o.n_avoid++] = "X-KAPLANBEK-ROAD";
    o.avoid[o.n_avoid++] = "X-ATAMEKEN-ROAD";
    r = NULL;
    assert_int_equal(sr_route_query(q, &o, &r), SR_OK);
    assert_non_null(at_crossing(sr_result_route(r, 0), "X-YALLAMA-KONYSBAYEV-ROAD"));
    sr_result_free(r);
}

/* Golden routes over the crossings added last (cov9c), each checked against
 * the sources named beside it. */
static void routes_over_cov9c_crossings(void **st)
{
    (void)st;
    sr_result *r;
    /* Ashgabat -> Urgench by road crosses at Dashoguz-Shavat (S-cov9c-daryo-
     * 2023-dashoguz; open for freight since November 2021, S-cov9c-sputnik-
     * 2021-shovot) rather than the long way round by Farap and Bukhara. */
    const query a = {"Ashgabat", "Urgench", SR_MODE_BIT(SR_ROAD)};
    const sr_route *rt = first(&a, &r);
    const sr_border_crossing *b = at_crossing(rt, "X-DASHOGUZ-SHAVAT-ROAD");
    assert_non_null(b);
    assert_string_equal(b->from_country, "TM");
    assert_string_equal(b->to_country, "UZ");
    assert_null(b->internal_union);
    assert_null(at_crossing(rt, "X-FARAP-OLOT-ROAD"));
    assert_true(rt->distance_km > 500 && rt->distance_km < 700);
    print_message("    Ashgabat -> Urgench: %.0f km over Dashoguz-Shavat\n", rt->distance_km);
    sr_result_free(r);
    /* Dashoguz -> Kungrad by road over Kunya-Urgench-Khojeyli, the other
     * checkpoint reopened for freight in November 2021 (S-cov9c-sputnik-
     * 2021-shovot). */
    const query a2 = {"Dashoguz", "Kungrad", SR_MODE_BIT(SR_ROAD)};
    rt = first(&a2, &r);
    assert_non_null(at_crossing(rt, "X-KUNYAURGENCH-KHOJEYLI-ROAD"));
    sr_result_free(r);
    /* Barnaul -> Olgii by road on the Chuysky trakt over Tashanta-
     * Tsagaannuur (AH4, S-cov9c-rpta-tashanta). */
    const query c = {"Barnaul", "Olgii", SR_MODE_BIT(SR_ROAD)};
    rt = first(&c, &r);
    b = at_crossing(rt, "X-TASHANTA-TSAGAANNUUR-ROAD");
    assert_non_null(b);
    assert_string_equal(b->from_country, "RU");
    assert_string_equal(b->to_country, "MN");
    assert_null(b->internal_union);
    sr_result_free(r);
    /* Tsagaannuur is closed from 29 December to 8 January (S-cov9c-
     * centralasia-2025-12-tsagaannuur): a truck leaving Barnaul on
     * 30 December crosses on 9 January at the earliest. */
    {
        sr_route_options t;
        sr_route_options_init(&t);
        t.from = "Barnaul";
        t.to = "Olgii";
        t.modes = SR_MODE_BIT(SR_ROAD);
        size_t p;
        assert_int_equal(sr_place_find(net, "Barnaul", &p), SR_OK);
        assert_int_equal(sr_time_parse("2026-12-30T08:00", sr_network_place(net, p)->tz, &t.depart), SR_OK);
        int64_t opens;
        assert_int_equal(sr_time_parse("2027-01-09T00:00", "Asia/Barnaul", &opens), SR_OK);
        r = NULL;
        sr_code tc = sr_route_query(q, &t, &r);
        if (tc == SR_OK) {
            rt = sr_result_route(r, 0);
            assert_non_null(at_crossing(rt, "X-TASHANTA-TSAGAANNUUR-ROAD"));
            assert_true(rt->timed && rt->arrive >= opens);
            print_message("    Barnaul -> Olgii leaving 30 Dec: %.1f days (border closed to 9 Jan)\n",
                          (double)(rt->arrive - rt->depart) / 86400.0);
        } else {
            assert_int_equal(tc, SR_ENOROUTE);
        }
        sr_result_free(r);
    }
    /* Bannu -> Khost over Ghulam Khan (North Waziristan-Khost, S-cov9c-
     * dailytimes-2020-ghulamkhan), trading six days a week without Saturday
     * (S-cov9c-dailypakistan-2020-ghulamkhan). Peshawar -> Kabul keeps
     * Torkham (checked in routes_report_directional_dwell). */
    const query d = {"Bannu", "Khost", SR_MODE_BIT(SR_ROAD)};
    rt = first(&d, &r);
    b = at_crossing(rt, "X-GHULAMKHAN-ROAD");
    assert_non_null(b);
    assert_string_equal(b->from_country, "PK");
    assert_string_equal(b->to_country, "AF");
    assert_true(fabs(b->dwell_h - 28.2) < 1e-6);
    assert_string_equal(sr_network_crossing(net, (size_t)crossing("X-GHULAMKHAN-ROAD"))->open_days,
                        "Mon;Tue;Wed;Thu;Fri;Sun");
    sr_result_free(r);
    /* Mashhad -> Rozanak by rail on the Khaf-Herat railway, 1435 mm
     * throughout (no gauge change): 300 km to Khaf (A-cov9c-distance), 78 km
     * Khaf-border and 62 km border-Rozanak (S-cov9c-telgraf-2020-khafherat). */
    const query e = {"Mashhad", "Rozanak", SR_MODE_BIT(SR_RAIL)};
    rt = first(&e, &r);
    b = at_crossing(rt, "X-SHAMTIGH-ROZANAK-RAIL");
    assert_non_null(b);
    assert_string_equal(b->from_country, "IR");
    assert_string_equal(b->to_country, "AF");
    assert_int_equal(rt->n_transfers, 0);
    assert_true(fabs(rt->distance_km - (300 + 77 + 62)) < 1);
    sr_result_free(r);
    /* Rozanak -> Herat is planned (section 4, A-cov9c-khafherat-open): no
     * rail route today. */
    sr_route_options o;
    sr_route_options_init(&o);
    o.from = "Rozanak";
    o.to = "Herat";
    o.modes = SR_MODE_BIT(SR_RAIL);
    r = NULL;
    assert_int_not_equal(sr_route_query(q, &o, &r), SR_OK);
    sr_result_free(r);
    /* Isfana (Leilek) -> Khujand by road over Kairagach, reopened on
     * 13 March 2025 with the Kyrgyz-Tajik border treaty (S-cov9c-24kg-2025-
     * 03-kgtj); not internal to any union. */
    const query g = {"Isfana", "Khujand", SR_MODE_BIT(SR_ROAD)};
    rt = first(&g, &r);
    b = at_crossing(rt, "X-KAIRAGACH-ROAD");
    assert_non_null(b);
    assert_string_equal(b->from_country, "KG");
    assert_string_equal(b->to_country, "TJ");
    assert_null(b->internal_union);
    sr_result_free(r);
    /* Almaty -> Bishkek by road: a Kazakhstan -> Kyrgyzstan crossing
     * reported as internal to the EAEU. */
    const query h = {"Almaty", "Bishkek", SR_MODE_BIT(SR_ROAD)};
    rt = first(&h, &r);
    assert_int_equal(rt->n_crossings, 1);
    b = &rt->crossings[0];
    print_message("    Almaty -> Bishkek over %s\n", sr_network_crossing(net, (size_t)b->crossing)->name);
    assert_string_equal(b->from_country, "KZ");
    assert_string_equal(b->to_country, "KG");
    assert_non_null(b->internal_union);
    assert_string_equal(b->internal_union, "EAEU");
    sr_result_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(crossings_per_neighbour_pair),
        cmocka_unit_test(directional_dwell_from_surveys),
        cmocka_unit_test(routes_report_directional_dwell),
        cmocka_unit_test(kazakh_crossings_have_both_directions),
        cmocka_unit_test(rail_capacity_not_below_throughput),
        cmocka_unit_test(chinese_origins_cite_a_read_source),
        cmocka_unit_test(routes_over_added_crossings),
        cmocka_unit_test(routes_over_cov9c_crossings),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
