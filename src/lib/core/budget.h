/*
 * budget.h - the work budget of one route query, shared by every search
 * that query runs.
 *
 * Why it exists: a single query may run many searches (a departure window
 * repeats the timetable search from each option's departure, arrive-by
 * bisects the departure time, Pareto keeps bags of labels), so a limit per
 * search does not bound the work of a query.  The query layer
 * (query/plan.c) starts one budget per query; the router (route.c) and the
 * timetable search (timetable/search.c) charge one unit per label they
 * settle and stop with SR_ELIMIT when it is spent, when its wall-clock
 * deadline passes, or when another thread cancels the query
 * (sr_query_cancel()).  The clock and the cancel flag are read every 1024
 * units, so checking costs a decrement per label.
 */
#ifndef SR_BUDGET_H
#define SR_BUDGET_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

/* The default number of labels one query may settle over all its searches;
 * about a minute of search on one core of a 2020s machine, far more than
 * any query of the corridor dataset needs (docs/PERFORMANCE.md). */
#define SR__DEFAULT_WORK 100000000ull

enum { SR__BUDGET_OK = 0, SR__BUDGET_WORK, SR__BUDGET_TIME, SR__BUDGET_CANCEL };

typedef struct sr__budget {
    uint64_t left;          /* labels still allowed */
    uint64_t max;           /* the budget, for messages */
    int64_t deadline_ns;    /* CLOCK_MONOTONIC instant; 0: none */
    unsigned max_ms;        /* the time budget, for messages */
    const atomic_int *cancel; /* non-zero: stop (may be NULL) */
    unsigned tick;
    int hit;                /* SR__BUDGET_*: what stopped the query */
    /* Progress for a person watching (sr_query_set_progress()): called from
     * the check, at most every SR__PROGRESS_NS, once the query is slow. */
    void (*progress)(void *ctx, uint64_t done, uint64_t max, double seconds);
    void *progress_ctx;
    int64_t start_ns, next_progress_ns;
} sr__budget;

#define SR__PROGRESS_NS 200000000ll  /* 0.2 s: a lively counter, little cost */

/* Start a budget of max labels (0: SR__DEFAULT_WORK) and max_ms
 * milliseconds (0: no time limit), watching *cancel (may be NULL). */
void sr__budget_start(sr__budget *b, uint64_t max, unsigned max_ms, const atomic_int *cancel);
/* Read the clock and the cancel flag; non-zero (and b->hit set) to stop. */
int sr__budget_check(sr__budget *b);
/* "work budget: more than N labels ..." for the limit that was hit. */
void sr__budget_message(const sr__budget *b, char *err, size_t cap);

/* Charge one label; non-zero when the query must stop.  NULL: no budget. */
static inline int sr__budget_step(sr__budget *b)
{
    if (!b)
        return 0;
    if (b->hit)
        return 1;
    if (b->left == 0) {
        b->hit = SR__BUDGET_WORK;
        return 1;
    }
    b->left--;
    if ((++b->tick & 1023u) == 0)
        return sr__budget_check(b);
    return 0;
}

#endif
