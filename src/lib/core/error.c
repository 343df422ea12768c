/*
 * error.c - error codes, their names and messages, and the names of the
 * model's enumerations as they appear in data files and JSON.
 */
#include <stdlib.h>
#include <string.h>

#include "silkroute.h"
#include "core/util.h"

const char *sr_strerror(sr_code code)
{
    switch (code) {
#define SR__X(e, n, name, msg) case e: return msg;
        SR_ERRNO_MAP(SR__X)
#undef SR__X
    }
    return "unknown error";
}

const char *sr_code_name(sr_code code)
{
    switch (code) {
#define SR__X(e, n, name, msg) case e: return name;
        SR_ERRNO_MAP(SR__X)
#undef SR__X
    }
    return "UnknownError";
}

void sr_free(void *p) { free(p); }

static const char *const mode_names[SR_MODE_COUNT] = {"rail", "road", "sea", "air"};
static const char *const kind_names[SR_PLACE_KIND_COUNT] = {
    "city", "rail_terminal", "dry_port", "border_crossing", "seaport", "airport"};
static const char *const status_names[3] = {"open", "planned", "closed"};
static const char *const unit_names[SR_UNIT_COUNT] = {"20ft", "40ft", "t"};
static const char *const class_names[SR_CLASS_COUNT] = {"rail1435", "rail1520", "road", "sea", "air"};

#define NAME_OR(tab, n, i) (((unsigned)(i) < (n)) ? (tab)[i] : "?")

const char *sr_mode_name(sr_mode m) { return NAME_OR(mode_names, SR_MODE_COUNT, m); }
const char *sr_place_kind_name(sr_place_kind k) { return NAME_OR(kind_names, SR_PLACE_KIND_COUNT, k); }
const char *sr_status_name(sr_status s) { return NAME_OR(status_names, 3, s); }
const char *sr_unit_name(sr_unit u) { return NAME_OR(unit_names, SR_UNIT_COUNT, u); }
const char *sr_class_name(sr_class c) { return NAME_OR(class_names, SR_CLASS_COUNT, c); }

/* Linear lookup in a short table of names; -1 when absent. */
int sr__name_index(const char *const *tab, int n, const char *s)
{
    if (!s)
        return -1;
    for (int i = 0; i < n; i++)
        if (strcmp(tab[i], s) == 0)
            return i;
    return -1;
}

int sr_mode_parse(const char *s) { return sr__name_index(mode_names, SR_MODE_COUNT, s); }
int sr_unit_parse(const char *s) { return sr__name_index(unit_names, SR_UNIT_COUNT, s); }
int sr__kind_parse(const char *s) { return sr__name_index(kind_names, SR_PLACE_KIND_COUNT, s); }
int sr__status_parse(const char *s) { return sr__name_index(status_names, 3, s); }
int sr__class_parse(const char *s) { return sr__name_index(class_names, SR_CLASS_COUNT, s); }
