/*
 * util.h - small internal helpers shared by the library's modules: a string
 * arena, a capped growable buffer, and checked allocation.  Nothing here is
 * public; names carry the sr__ prefix.
 */
#ifndef SR_UTIL_H
#define SR_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* An arena of strings freed in one call: a network's many small names live
 * here so that closing a network is a handful of free()s. */
typedef struct sr__arena_block sr__arena_block;
typedef struct sr__arena {
    sr__arena_block *head;
} sr__arena;

char *sr__arena_strdup(sr__arena *a, const char *s);
char *sr__arena_strndup(sr__arena *a, const char *s, size_t n);
void *sr__arena_alloc(sr__arena *a, size_t n);
void sr__arena_free(sr__arena *a);

/* A growable byte buffer with a hard cap (curl's dynbuf idea): appending
 * past the cap fails instead of growing without bound. */
typedef struct sr__buf {
    char *p;
    size_t len, cap, max;
    int failed; /* set once an append failed; later appends are no-ops */
} sr__buf;

void sr__buf_init(sr__buf *b, size_t max);
int sr__buf_add(sr__buf *b, const void *s, size_t n);
int sr__buf_puts(sr__buf *b, const char *s);
int sr__buf_printf(sr__buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Hand over the NUL-terminated contents (caller frees) and reset b. */
char *sr__buf_take(sr__buf *b);
void sr__buf_free(sr__buf *b);

/* Overflow-checked array growth: ensure *arr has room for need elements. */
int sr__grow(void **arr, size_t *cap, size_t need, size_t elem);
/* Length of the valid UTF-8 sequence at s (1 to 4 bytes, none beyond n),
 * or 0 when it is not one: overlong forms, surrogates and values past
 * U+10FFFF are invalid.  The one UTF-8 check of the library. */
size_t sr__utf8_seq(const unsigned char *s, size_t n);

/* Enumeration lookups (error.c). */
int sr__name_index(const char *const *tab, int n, const char *s);
int sr__kind_parse(const char *s);
int sr__status_parse(const char *s);
int sr__class_parse(const char *s);

/* Copy src into dst (cap > 0 bytes, always NUL-terminated, cut if needed)
 * with every byte that could drive a terminal written as \xNN: C0 controls,
 * DEL, the UTF-8 form of the C1 controls U+0080-U+009F and bytes that are
 * not valid UTF-8.  Valid UTF-8 text (Chinese, Russian names) is kept.
 * Every message that may quote data or arguments passes through this, so
 * a name in a data file cannot move the cursor or change colours.
 * Returns the length written. */
size_t sr__escape(char *dst, size_t cap, const char *src);
/* The same in place on a NUL-terminated buffer of cap bytes. */
void sr__escape_inplace(char *buf, size_t cap);

/* Great-circle distance in km. */
double sr__haversine_km(double lat1, double lon1, double lat2, double lon2);

#endif
