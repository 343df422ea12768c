/*
 * util_data.c - implementation of the shared test helpers in util.h.
 */
#include <dirent.h>
#include <stdio.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util.h"

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0;
    char *b = malloc(cap);
    size_t r;
    while (b && (r = fread(b + n, 1, cap - n - 1, f)) > 0) {
        n += r;
        if (n + 1 == cap) {
            char *nb = realloc(b, cap * 2);
            if (!nb) {
                free(b);
                b = NULL;
                break;
            }
            b = nb;
            cap *= 2;
        }
    }
    fclose(f);
    if (b)
        b[n] = 0;
    if (len)
        *len = n;
    return b;
}

int tu_write(const char *dir, const char *file, const char *content)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    size_t n = strlen(content);
    int ok = fwrite(content, 1, n, f) == n;
    return fclose(f) == 0 && ok ? 0 : -1;
}

char *tu_mkdtemp(void)
{
    char tmpl[] = "/tmp/silkroute-test-XXXXXX";
    if (!mkdtemp(tmpl))
        return NULL;
    return strdup(tmpl);
}

char *tu_copy_dataset(const char *src)
{
    char *dst = tu_mkdtemp();
    DIR *d = dst ? opendir(src) : NULL;
    if (!d)
        return dst;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", src, e->d_name);
        /* Top-level files only: fopen() opens a folder too, and would copy
         * it as an empty file of its name. */
        struct stat st;
        if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
            continue;
        char *s = slurp(path, NULL);
        if (s)
            tu_write(dst, e->d_name, s);
        free(s);
    }
    closedir(d);
    return dst;
}

int tu_edit(const char *dir, const char *file, const char *find, const char *repl)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    char *s = slurp(path, NULL);
    if (!s)
        return -1;
    char *hit = *find ? strstr(s, find) : s + strlen(s);
    if (!hit) {
        free(s);
        return -1;
    }
    size_t pre = (size_t)(hit - s), fl = strlen(find), rl = strlen(repl), tail = strlen(hit + fl);
    char *o = malloc(pre + rl + tail + 1);
    memcpy(o, s, pre);
    memcpy(o + pre, repl, rl);
    memcpy(o + pre + rl, hit + fl, tail + 1);
    int rc = tu_write(dir, file, o);
    free(o);
    free(s);
    return rc;
}

/* Remove path and, when it is a directory, everything below it (tests
 * build services/ subfolders, FIFOs and directories named like files). */
static void rm_tree(const char *path)
{
    if (unlink(path) == 0)
        return;
    DIR *d = opendir(path);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d))) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
                continue;
            char sub[1024];
            snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
            rm_tree(sub);
        }
        closedir(d);
    }
    rmdir(path);
}

void tu_rmdir(char *dir)
{
    if (!dir)
        return;
    rm_tree(dir);
    free(dir);
}

int tu_cli(const char *argv0, const char *args, char *out, size_t cap)
{
    char bin[1024], cmd[8192];
    snprintf(bin, sizeof bin, "%s", argv0);
    char *slash = strrchr(bin, '/');
    if (slash)
        *slash = 0;
    else
        snprintf(bin, sizeof bin, ".");
    snprintf(cmd, sizeof cmd, "%s/../silkroute %s 2>&1", bin, args);
    FILE *p = popen(cmd, "r");
    if (!p)
        return -1;
    size_t n = fread(out, 1, cap - 1, p);
    out[n] = 0;
    /* Drain the rest so the child never blocks on a full pipe. */
    char sink[4096];
    while (fread(sink, 1, sizeof sink, p) > 0)
        ;
    int st = pclose(p);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

int tu_open_data(const char *dir, sr_network **net, sr_query **q)
{
    if (sr_network_open(dir, net) != SR_OK) {
        fprintf(stderr, "%s: %s\n", dir, sr_network_errmsg(*net));
        return -1;
    }
    return sr_query_create(*net, q) == SR_OK ? 0 : -1;
}

void tu_close_data(sr_network *net, sr_query *q)
{
    sr_query_destroy(q);
    sr_network_close(net);
}
