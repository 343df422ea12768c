/*
 * util.c - the string arena, the capped buffer, checked growth and the
 * escaping of messages declared in util.h.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"

struct sr__arena_block {
    sr__arena_block *next;
    size_t used, size;
    max_align_t align_[];
};

#define ARENA_BLOCK 65536

void *sr__arena_alloc(sr__arena *a, size_t n)
{
    n = (n + 15) & ~(size_t)15;
    sr__arena_block *b = a->head;
    if (!b || b->size - b->used < n) {
        size_t size = n > ARENA_BLOCK ? n : ARENA_BLOCK;
        b = malloc(sizeof *b + size);
        if (!b)
            return NULL;
        b->size = size;
        b->used = 0;
        b->next = a->head;
        a->head = b;
    }
    void *p = (char *)b->align_ + b->used;
    b->used += n;
    return p;
}

char *sr__arena_strndup(sr__arena *a, const char *s, size_t n)
{
    char *p = sr__arena_alloc(a, n + 1);
    if (!p)
        return NULL;
    memcpy(p, s, n);
    p[n] = 0;
    return p;
}

char *sr__arena_strdup(sr__arena *a, const char *s)
{
    return sr__arena_strndup(a, s ? s : "", s ? strlen(s) : 0);
}

void sr__arena_free(sr__arena *a)
{
    sr__arena_block *b = a->head;
    while (b) {
        sr__arena_block *n = b->next;
        free(b);
        b = n;
    }
    a->head = NULL;
}

void sr__buf_init(sr__buf *b, size_t max)
{
    b->p = NULL;
    b->len = b->cap = 0;
    b->max = max;
    b->failed = 0;
}

int sr__buf_add(sr__buf *b, const void *s, size_t n)
{
    if (b->failed)
        return -1;
    if (n > b->max || b->len > b->max - n) {
        b->failed = 1;
        return -1;
    }
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *p = realloc(b->p, cap);
        if (!p) {
            b->failed = 1;
            return -1;
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = 0;
    return 0;
}

int sr__buf_puts(sr__buf *b, const char *s) { return sr__buf_add(b, s, strlen(s)); }

int sr__buf_printf(sr__buf *b, const char *fmt, ...)
{
    char tmp[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0)
        return -1;
    if ((size_t)n < sizeof tmp)
        return sr__buf_add(b, tmp, (size_t)n);
    char *big = malloc((size_t)n + 1);
    if (!big) {
        b->failed = 1;
        return -1;
    }
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    int rc = sr__buf_add(b, big, (size_t)n);
    free(big);
    return rc;
}

char *sr__buf_take(sr__buf *b)
{
    char *p = b->failed ? NULL : b->p;
    if (!p && !b->failed)
        p = calloc(1, 1);
    if (b->failed)
        free(b->p);
    sr__buf_init(b, b->max);
    return p;
}

void sr__buf_free(sr__buf *b)
{
    free(b->p);
    sr__buf_init(b, b->max);
}

int sr__grow(void **arr, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return 0;
    size_t n = *cap ? *cap : 16;
    while (n < need) {
        if (n > SIZE_MAX / 2)
            return -1;
        n *= 2;
    }
    if (elem && n > SIZE_MAX / elem)
        return -1;
    void *p = realloc(*arr, n * elem);
    if (!p)
        return -1;
    *arr = p;
    *cap = n;
    return 0;
}

size_t sr__utf8_seq(const unsigned char *s, size_t n)
{
    if (!n)
        return 0;
    unsigned c = s[0];
    size_t k;
    uint32_t cp;
    if (c < 0x80)
        return 1;
    if ((c & 0xE0) == 0xC0) {
        k = 2;
        cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
        k = 3;
        cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
        k = 4;
        cp = c & 0x07;
    } else {
        return 0;
    }
    if (k > n)
        return 0;
    for (size_t j = 1; j < k; j++) {
        if ((s[j] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[j] & 0x3F);
    }
    /* Overlong forms, surrogates and values past U+10FFFF are invalid. */
    if ((k == 2 && cp < 0x80) || (k == 3 && cp < 0x800) || (k == 4 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return k;
}

size_t sr__escape(char *dst, size_t cap, const char *src)
{
    static const char hex[] = "0123456789ABCDEF";
    const unsigned char *s = (const unsigned char *)(src ? src : "");
    size_t o = 0;
    if (!cap)
        return 0;
    while (*s) {
        size_t k = sr__utf8_seq(s, 4); /* NUL-terminated: stops at the NUL */
        /* C1 controls are two bytes in UTF-8 (C2 80 .. C2 9F); some
         * terminals act on them like ESC [. */
        int bad = k == 0 || (k == 1 && (*s < 0x20 || *s == 0x7F)) || (k == 2 && s[0] == 0xC2 && s[1] < 0xA0);
        if (bad) {
            size_t nb = k ? k : 1;
            if (o + 4 * nb >= cap)
                break;
            for (size_t j = 0; j < nb; j++) {
                dst[o++] = '\\';
                dst[o++] = 'x';
                dst[o++] = hex[s[j] >> 4];
                dst[o++] = hex[s[j] & 15];
            }
            s += nb;
        } else {
            if (o + k >= cap)
                break;
            memcpy(dst + o, s, k);
            o += k;
            s += k;
        }
    }
    dst[o] = 0;
    return o;
}

void sr__escape_inplace(char *buf, size_t cap)
{
    if (!buf || !cap)
        return;
    char *tmp = malloc(cap);
    if (!tmp) {
        /* Without memory, drop every byte that is not printable ASCII. */
        for (char *p = buf; *p; p++)
            if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7F)
                *p = '?';
        return;
    }
    sr__escape(tmp, cap, buf);
    memcpy(buf, tmp, strlen(tmp) + 1);
    free(tmp);
}

double sr__haversine_km(double lat1, double lon1, double lat2, double lon2)
{
    const double r = 6371.0088, d = M_PI / 180.0;
    double dlat = (lat2 - lat1) * d, dlon = (lon2 - lon1) * d;
    double h = sin(dlat / 2) * sin(dlat / 2) + cos(lat1 * d) * cos(lat2 * d) * sin(dlon / 2) * sin(dlon / 2);
    return 2 * r * asin(sqrt(h < 1 ? h : 1));
}
