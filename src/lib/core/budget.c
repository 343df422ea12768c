/*
 * budget.c - the per-query work budget (see budget.h): start, the periodic
 * check of the clock and the cancel flag, and the message naming the limit.
 */
#include <stdio.h>
#include <time.h>

#include "core/budget.h"

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

void sr__budget_start(sr__budget *b, uint64_t max, unsigned max_ms, const atomic_int *cancel)
{
    b->max = b->left = max ? max : SR__DEFAULT_WORK;
    b->max_ms = max_ms;
    b->deadline_ns = max_ms ? now_ns() + (int64_t)max_ms * 1000000 : 0;
    b->cancel = cancel;
    b->tick = 0;
    b->hit = SR__BUDGET_OK;
    b->start_ns = now_ns();
    /* Quick queries print nothing: the first report comes after a second. */
    b->next_progress_ns = b->start_ns + 5 * SR__PROGRESS_NS;
    /* A cancel that came before the query started stops it at once. */
    if (cancel && atomic_load_explicit(cancel, memory_order_relaxed))
        b->hit = SR__BUDGET_CANCEL;
}

int sr__budget_check(sr__budget *b)
{
    if (b->hit)
        return 1;
    if (b->cancel && atomic_load_explicit(b->cancel, memory_order_relaxed))
        b->hit = SR__BUDGET_CANCEL;
    else {
        int64_t t = now_ns();
        if (b->deadline_ns && t > b->deadline_ns)
            b->hit = SR__BUDGET_TIME;
        else if (b->progress && t >= b->next_progress_ns) {
            b->next_progress_ns = t + SR__PROGRESS_NS;
            b->progress(b->progress_ctx, b->max - b->left, b->max, (double)(t - b->start_ns) / 1e9);
        }
    }
    return b->hit != SR__BUDGET_OK;
}

void sr__budget_message(const sr__budget *b, char *err, size_t cap)
{
    switch (b->hit) {
    case SR__BUDGET_WORK:
        snprintf(err, cap,
                 "work budget: the query needs more than %llu labels over all its searches; narrow it (window, modes, "
                 "avoid, max_transfers)",
                 (unsigned long long)b->max);
        break;
    case SR__BUDGET_TIME:
        snprintf(err, cap, "time budget: the query ran longer than %u ms; narrow it (window, modes, avoid, max_transfers)",
                 b->max_ms);
        break;
    case SR__BUDGET_CANCEL:
        snprintf(err, cap, "cancelled: the query was stopped before it finished");
        break;
    default:
        break;
    }
}
