/*
 * http_client.h - a tiny blocking HTTP/1.1 client over loopback for the
 * tracking tests (one request per connection, bounded reads, timeouts), in
 * a header so that only the tests that include it carry it.
 */
#ifndef SR_TEST_HTTP_CLIENT_H
#define SR_TEST_HTTP_CLIENT_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

typedef struct hc_resp {
    int status;
    char head[4096];
    char *body;
} hc_resp;

/* method path on 127.0.0.1:port with an optional bearer token and JSON
 * body.  Returns 0 with *r filled (free r->body), or -1 when the server
 * could not be reached or closed before answering. */
static inline int hc_request(int port, const char *method, const char *path, const char *token, const char *body,
                             hc_resp *r)
{
    memset(r, 0, sizeof *r);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    struct timeval tv = {10, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    if (connect(fd, (struct sockaddr *)&a, sizeof a)) {
        close(fd);
        return -1;
    }
    size_t bl = body ? strlen(body) : 0;
    size_t cap = bl + 1024;
    char *req = malloc(cap);
    int n = snprintf(req, cap, "%s %s HTTP/1.1\r\nHost: t\r\nConnection: close\r\n%s%s%s%s%zu\r\n\r\n", method, path,
                     token ? "Authorization: Bearer " : "", token ? token : "", token ? "\r\n" : "",
                     "Content-Type: application/json\r\nContent-Length: ", bl);
    if (body)
        memcpy(req + n, body, bl);
    size_t left = (size_t)n + bl;
    const char *p = req;
    while (left) {
        ssize_t w = send(fd, p, left, MSG_NOSIGNAL);
        if (w <= 0)
            break;
        p += w;
        left -= (size_t)w;
    }
    free(req);
    size_t rcap = 1 << 16, len = 0;
    char *buf = malloc(rcap + 1);
    for (;;) {
        if (len == rcap) {
            rcap *= 2;
            buf = realloc(buf, rcap + 1);
        }
        ssize_t k = recv(fd, buf + len, rcap - len, 0);
        if (k <= 0)
            break;
        len += (size_t)k;
    }
    close(fd);
    buf[len] = '\0';
    char *hend = strstr(buf, "\r\n\r\n");
    if (!hend || sscanf(buf, "HTTP/1.%*d %d", &r->status) != 1) {
        free(buf);
        return -1;
    }
    size_t hl = (size_t)(hend - buf);
    snprintf(r->head, sizeof r->head, "%.*s", (int)(hl < sizeof r->head - 1 ? hl : sizeof r->head - 1), buf);
    /* Content-Length decides whether the whole body arrived. */
    const char *cl = NULL;
    for (const char *q = r->head; (q = strchr(q, '\n')); q++)
        if (!strncasecmp(q + 1, "Content-Length:", 15))
            cl = q + 16;
    size_t blen = len - hl - 4;
    if (cl && (size_t)strtoul(cl, NULL, 10) != blen) {
        free(buf);
        return -1;
    }
    r->body = strdup(hend + 4);
    free(buf);
    return 0;
}

#endif
