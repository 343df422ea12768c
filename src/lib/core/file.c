/*
 * file.c - opening and reading data files and the bounded line reader
 * declared in file.h.
 *
 * Why O_NONBLOCK: open() of a FIFO for reading blocks until a writer
 * appears, so checking the file type after a plain open() is too late.
 * Opening without blocking, then fstat() on the very descriptor (no race
 * with a rename between a stat() and the open()), then clearing the flag
 * gives a normal blocking descriptor of a regular file or a clean refusal.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/file.h"

static const char *kind_of(mode_t m)
{
    if (S_ISDIR(m))
        return "a directory";
    if (S_ISFIFO(m))
        return "a FIFO";
    if (S_ISCHR(m))
        return "a character device";
    if (S_ISBLK(m))
        return "a block device";
    if (S_ISSOCK(m))
        return "a socket";
    return "of an unknown type";
}

int sr__data_open(const char *path, const char *name, char *err, size_t errcap, int *absent)
{
    if (absent)
        *absent = 0;
    if (!name)
        name = path;
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        if (absent && e == ENOENT)
            *absent = 1;
        snprintf(err, errcap, "%s: cannot open: %s", name, strerror(e));
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        snprintf(err, errcap, "%s: cannot open: %s", name, strerror(errno));
        close(fd);
        return -1;
    }
    if (!S_ISREG(st.st_mode)) {
        snprintf(err, errcap, "%s: not a regular file (it is %s)", name, kind_of(st.st_mode));
        close(fd);
        return -1;
    }
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0) {
        snprintf(err, errcap, "%s: cannot open: %s", name, strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

FILE *sr__data_fopen(const char *path, const char *name, char *err, size_t errcap, int *absent)
{
    int fd = sr__data_open(path, name, err, errcap, absent);
    if (fd < 0)
        return NULL;
    FILE *f = fdopen(fd, "rb");
    if (!f) {
        snprintf(err, errcap, "%s: cannot open: %s", name ? name : path, strerror(errno));
        close(fd);
    }
    return f;
}

sr_code sr__data_read(const char *path, const char *name, size_t max, char **data, size_t *len, char *err,
                      size_t errcap, int *absent)
{
    *data = NULL;
    *len = 0;
    if (!name)
        name = path;
    int fd = sr__data_open(path, name, err, errcap, absent);
    if (fd < 0)
        return SR_EIO;
    struct stat st;
    if (fstat(fd, &st) != 0) {
        snprintf(err, errcap, "%s: cannot read: %s", name, strerror(errno));
        close(fd);
        return SR_EIO;
    }
    if (st.st_size < 0 || (unsigned long long)st.st_size > max) {
        snprintf(err, errcap, "%s: file larger than %zu bytes", name, max);
        close(fd);
        return SR_ELIMIT;
    }
    /* Room for the size fstat() gave plus one byte, so that a file that
     * grows while we read is noticed; the cap is checked after every
     * read(), whatever the buffer's size. */
    size_t cap = (size_t)st.st_size + 2, n = 0;
    if (cap < 4096)
        cap = 4096;
    if (cap > max + 2)
        cap = max + 2;
    char *p = malloc(cap);
    if (!p) {
        snprintf(err, errcap, "%s: out of memory", name);
        close(fd);
        return SR_ENOMEM;
    }
    for (;;) {
        if (n + 1 >= cap) {
            size_t nc = cap < (SIZE_MAX - 2) / 2 ? cap * 2 : SIZE_MAX - 1;
            if (nc > max + 2)
                nc = max + 2;
            char *q = nc > cap ? realloc(p, nc) : NULL;
            if (!q) {
                free(p);
                close(fd);
                snprintf(err, errcap, "%s: out of memory", name);
                return SR_ENOMEM;
            }
            p = q;
            cap = nc;
        }
        ssize_t k = read(fd, p + n, cap - n - 1);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0) {
            snprintf(err, errcap, "%s: read error: %s", name, strerror(errno));
            free(p);
            close(fd);
            return SR_EIO;
        }
        if (k == 0)
            break;
        n += (size_t)k;
        if (n > max) {
            snprintf(err, errcap, "%s: file larger than %zu bytes", name, max);
            free(p);
            close(fd);
            return SR_ELIMIT;
        }
    }
    close(fd);
    p[n] = 0;
    *data = p;
    *len = n;
    return SR_OK;
}

void sr__lines_init(sr__lines *r, const char *data, size_t len, char *buf, size_t max)
{
    memset(r, 0, sizeof *r);
    r->p = data;
    r->end = data + len;
    r->buf = buf;
    r->max = max;
    if (len >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3))
        r->p += 3;
}

int sr__lines_next(sr__lines *r)
{
    if (r->state)
        return r->state;
    if (r->p >= r->end)
        return 0;
    r->line++;
    const char *s = r->p;
    size_t avail = (size_t)(r->end - s), lim = avail < r->max + 1 ? avail : r->max + 1, n = 0;
    /* Look at no more than max + 1 bytes: an endless line is refused
     * without scanning the rest of the input. */
    while (n < lim && s[n] != '\n' && s[n] != '\r' && s[n] != 0)
        n++;
    if (n < lim && s[n] == 0) {
        r->state = SR__LINE_NUL;
        return r->state;
    }
    if (n > r->max) {
        r->state = SR__LINE_TOO_LONG;
        return r->state;
    }
    memcpy(r->buf, s, n);
    r->buf[n] = 0;
    r->len = n;
    const char *q = s + n;
    if (q < r->end && *q == '\r')
        q++;
    if (q < r->end && *q == '\n' && (q == s + n || q[-1] == '\r'))
        q++;
    r->p = q;
    return 1;
}
