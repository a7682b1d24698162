/* A small TCP echo server in C: the bench's floor for what one core can do.
 *
 *   epoll_echo [HOST]        (default 127.0.0.1; always port 0)
 *
 * Prints "epoll echo listening on HOST:PORT" once it listens, then echoes
 * every byte of every connection until SIGINT or SIGTERM.  One thread,
 * level-triggered epoll, non-blocking sockets, TCP_NODELAY on every
 * accepted socket, a 1024 backlog and 256 KiB reads into one shared buffer.
 * When a write is short the rest is kept for that connection alone and the
 * server stops reading from it until the rest is out (backpressure), so it
 * never holds more than one read per connection.  A client's end of file is
 * answered with a close once everything owed is written.
 *
 * The bench compiles it on the spot with the system compiler:
 *   cc -O2 -o epoll_echo epoll_echo.c
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define READ_SIZE (256 * 1024)
#define BACKLOG 1024
#define MAX_EVENTS 256

struct conn {
    int fd;
    char *pending; /* bytes read but not yet written back */
    size_t off, len;
};

static volatile sig_atomic_t stop;
static void on_signal(int signum) { (void)signum; stop = 1; }

static void drop(int ep, struct conn *c) {
    epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
    close(c->fd);
    free(c->pending);
    free(c);
}

/* Write what is pending; 1 when all of it is out, 0 when the socket is full, -1 on error. */
static int flush_pending(struct conn *c) {
    while (c->off < c->len) {
        ssize_t n = send(c->fd, c->pending + c->off, c->len - c->off, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR) continue;
            return (errno == EAGAIN || errno == EWOULDBLOCK) ? 0 : -1;
        }
        c->off += (size_t)n;
    }
    c->off = c->len = 0;
    return 1;
}

int main(int argc, char **argv) {
    const char *host = argc > 1 ? argv[1] : "127.0.0.1";
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = 0};
    if (inet_pton(AF_INET, host, &addr.sin_addr) != 1) {
        fprintf(stderr, "epoll_echo: not an IPv4 address: %s\n", host);
        return 2;
    }
    struct sigaction sa = {.sa_handler = on_signal};
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    int lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int one = 1;
    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    socklen_t alen = sizeof addr;
    if (lfd < 0 || bind(lfd, (struct sockaddr *)&addr, sizeof addr) < 0 || listen(lfd, BACKLOG) < 0 ||
        getsockname(lfd, (struct sockaddr *)&addr, &alen) < 0) {
        perror("epoll_echo: cannot listen");
        return 1;
    }
    int ep = epoll_create1(EPOLL_CLOEXEC);
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = NULL};
    epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev);
    printf("epoll echo listening on %s:%d\n", host, ntohs(addr.sin_port));
    fflush(stdout);

    static char buf[READ_SIZE];
    struct epoll_event events[MAX_EVENTS];
    while (!stop) {
        int ready = epoll_wait(ep, events, MAX_EVENTS, -1);
        if (ready < 0) {
            if (errno == EINTR) continue;
            perror("epoll_echo: epoll_wait");
            return 1;
        }
        for (int i = 0; i < ready; i++) {
            struct conn *c = events[i].data.ptr;
            if (c == NULL) { /* the listening socket */
                int fd;
                while ((fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
                    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                    struct conn *nc = calloc(1, sizeof *nc);
                    if (nc == NULL) { close(fd); continue; }
                    nc->fd = fd;
                    struct epoll_event cev = {.events = EPOLLIN, .data.ptr = nc};
                    epoll_ctl(ep, EPOLL_CTL_ADD, fd, &cev);
                }
                continue;
            }
            if (c->len) { /* EPOLLOUT: finish the short write, then read again */
                int done = flush_pending(c);
                if (done < 0) { drop(ep, c); continue; }
                if (done == 0) continue;
                struct epoll_event cev = {.events = EPOLLIN, .data.ptr = c};
                epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &cev);
                continue;
            }
            ssize_t n = recv(c->fd, buf, sizeof buf, 0);
            if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) continue;
            if (n <= 0) { drop(ep, c); continue; } /* end of file (nothing owed) or reset */
            ssize_t sent = send(c->fd, buf, (size_t)n, MSG_NOSIGNAL);
            if (sent < 0 && errno != EAGAIN && errno != EWOULDBLOCK) { drop(ep, c); continue; }
            if (sent < 0) sent = 0;
            if (sent < n) { /* keep the rest; stop reading until it is written */
                size_t rest = (size_t)(n - sent);
                c->pending = realloc(c->pending, rest);
                if (c->pending == NULL) { drop(ep, c); continue; }
                memcpy(c->pending, buf + sent, rest);
                c->off = 0;
                c->len = rest;
                struct epoll_event cev = {.events = EPOLLOUT, .data.ptr = c};
                epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &cev);
            }
        }
    }
    close(ep);
    close(lfd);
    return 0;
}
