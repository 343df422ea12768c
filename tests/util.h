/*
 * util.h - helpers shared by the tests: temporary dataset directories made
 * from a template with one edit, running the CLI, and opening a dataset.
 */
#ifndef SR_TEST_UTIL_H
#define SR_TEST_UTIL_H

#include <stddef.h>

#include "silkroute.h"

/* Copy every file of src into a new temporary directory; returns a malloc()ed
 * path or NULL. */
char *tu_copy_dataset(const char *src);
/* Replace the first occurrence of `find` in DIR/FILE with `repl` (find ""
 * appends repl).  Returns 0, or -1 when `find` does not occur. */
int tu_edit(const char *dir, const char *file, const char *find, const char *repl);
/* Write DIR/FILE with the given content. */
int tu_write(const char *dir, const char *file, const char *content);
/* Remove a directory made by tu_copy_dataset/tu_mkdtemp and free the path. */
void tu_rmdir(char *dir);
char *tu_mkdtemp(void);
/* Run the silkroute CLI (next to the test binary: ../silkroute) with a shell
 * command line of arguments; stdout+stderr go into out (truncated to cap).
 * Returns the exit status, or -1. */
int tu_cli(const char *argv0, const char *args, char *out, size_t cap);
/* Open the dataset dir and a query on it (a cmocka group set-up): 0, or -1
 * after printing the dataset's error.  tu_close_data() frees both. */
int tu_open_data(const char *dir, sr_network **net, sr_query **q);
void tu_close_data(sr_network *net, sr_query *q);

#endif
