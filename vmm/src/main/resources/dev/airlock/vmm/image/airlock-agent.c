/*
 * airlock-agent: the guest end of airlock's exec channel (docs/vmm.md, "The exec channel").
 *
 * Built by `airlock image build` with the host's gcc as a static binary and started by the
 * guest's /init on /dev/hvc0 (virtio-console). A C program rather than a busybox script
 * because the channel carries arbitrary bytes (stdin, stdout, stderr of any program) and a
 * shell cannot read or write binary data with NULs reliably, nor wait on three pipes at once.
 *
 * Every message is a frame: one type byte, a 4-byte big-endian payload length, the payload.
 *   host -> guest: 'F' file (path NUL content)  'A' argv element  'E' env "K=V"
 *                  'R' run  '0' stdin bytes (empty = end of stdin)  'K' signal (1 byte)
 *   guest -> host: 'H' hello (version text)  '1' stdout bytes  '2' stderr bytes
 *                  'X' exit status (4 bytes BE: exit code, or 128 + signal)  'F' failure text
 *
 * Usage: airlock-agent DEVICE     the channel is DEVICE (a tty is put into raw mode)
 *        airlock-agent --stdio    the channel is fd 0 (in) and fd 1 (out): host-side tests
 *        airlock-agent --boot-mark   writes the boot-timer port (0x440) and exits
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/io.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#define PROTOCOL_VERSION "airlock-agent 1"
#define MAX_PAYLOAD (1u << 20)
#define MAX_ITEMS 4096
#define CHUNK 16384
#define BOOT_TIMER_PORT 0x440

extern char **environ;

static int in_fd = -1, out_fd = -1;
static unsigned char *inbuf;
static size_t inlen;
static char *args[MAX_ITEMS + 1];
static int nargs;
static char *envs[MAX_ITEMS + 1];
static int nenvs;
static pid_t child = -1;
static int child_in = -1, child_out = -1, child_err = -1;
static unsigned char *pending;   /* stdin bytes not yet written to the child */
static size_t pending_len, pending_cap;
static int stdin_eof;

static void write_all(int fd, const void *p, size_t n) {
    const unsigned char *b = p;
    while (n > 0) {
        ssize_t w = write(fd, b, n);
        if (w < 0) {
            if (errno == EINTR || errno == EAGAIN) continue;
            _exit(3); /* the channel is gone: nobody is left to tell */
        }
        b += w;
        n -= (size_t) w;
    }
}

static void send_frame(char type, const void *payload, uint32_t n) {
    unsigned char h[5] = {(unsigned char) type, n >> 24, n >> 16, n >> 8, n};
    write_all(out_fd, h, 5);
    if (n) write_all(out_fd, payload, n);
}

static void send_exit(int status) {
    unsigned char b[4] = {status >> 24, status >> 16, status >> 8, status};
    send_frame('X', b, 4);
    if (isatty(out_fd)) tcdrain(out_fd);
}

static void fail(int status, const char *what, const char *detail) {
    char msg[512];
    snprintf(msg, sizeof msg, "airlock-agent: %s%s%s", what, detail ? ": " : "", detail ? detail : "");
    send_frame('F', msg, (uint32_t) strlen(msg));
    send_exit(status);
    exit(1);
}

static void mkdirs(char *path) {
    for (char *p = path + 1; *p; p++) {
        if (*p == '/') {
            *p = 0;
            mkdir(path, 0755);
            *p = '/';
        }
    }
}

static void write_file(const unsigned char *p, uint32_t n) {
    const unsigned char *nul = memchr(p, 0, n);
    if (!nul || nul == p) fail(125, "bad file frame", NULL);
    char *path = strdup((const char *) p);
    mkdirs(path);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) fail(125, path, strerror(errno));
    write_all(fd, nul + 1, n - (uint32_t) (nul + 1 - p));
    close(fd);
    free(path);
}

static void add_item(char **list, int *count, const unsigned char *p, uint32_t n) {
    if (*count >= MAX_ITEMS || memchr(p, 0, n)) fail(125, "bad argument or environment frame", NULL);
    list[*count] = strndup((const char *) p, n);
    list[++*count] = NULL;
}

static void start_child(void) {
    if (child > 0) fail(125, "run sent twice", NULL);
    if (nargs == 0) fail(127, "no command", NULL);
    int in[2], out[2], err[2];
    if (pipe2(in, O_CLOEXEC) || pipe2(out, O_CLOEXEC) || pipe2(err, O_CLOEXEC)) fail(125, "pipe", strerror(errno));
    child = fork();
    if (child < 0) fail(125, "fork", strerror(errno));
    if (child == 0) {
        dup2(in[0], 0);
        dup2(out[1], 1);
        dup2(err[1], 2);
        signal(SIGPIPE, SIG_DFL);
        setsid(); /* its own process group, so a forwarded signal reaches the whole job */
        environ = envs; /* execvp searches the PATH the host sent */
        execvp(args[0], args);
        int e = errno;
        dprintf(2, "airlock-agent: cannot run %s: %s\n", args[0], strerror(e));
        _exit(e == ENOENT ? 127 : 126);
    }
    close(in[0]);
    close(out[1]);
    close(err[1]);
    child_in = in[1];
    child_out = out[0];
    child_err = err[0];
    fcntl(child_in, F_SETFL, O_NONBLOCK);
    if (stdin_eof && pending_len == 0) {
        close(child_in);
        child_in = -1;
    }
}

/*
 * Delivers a signal from the host (Ctrl-C, SIGTERM) to the command's whole process group, as a
 * terminal does for its foreground job. Until the child has called setsid() its group does not
 * exist yet; then the signal goes to the child itself, which has not run the command yet and so
 * still has the default action.
 */
static void forward_signal(int sig) {
    if (kill(-child, sig) < 0 && errno == ESRCH) kill(child, sig);
}

static void queue_stdin(const unsigned char *p, uint32_t n) {
    if (n == 0) {
        stdin_eof = 1;
        if (child_in >= 0 && pending_len == 0) {
            close(child_in);
            child_in = -1;
        }
        return;
    }
    if (pending_len + n > pending_cap) {
        pending_cap = (pending_len + n) * 2;
        pending = realloc(pending, pending_cap);
        if (!pending) fail(125, "out of memory", NULL);
    }
    memcpy(pending + pending_len, p, n);
    pending_len += n;
}

static void handle(unsigned char type, const unsigned char *p, uint32_t n) {
    switch (type) {
    case 'F': write_file(p, n); break;
    case 'A': add_item(args, &nargs, p, n); break;
    case 'E': add_item(envs, &nenvs, p, n); break;
    case 'R': start_child(); break;
    case '0': queue_stdin(p, n); break;
    case 'K':
        if (n == 1 && child > 0) forward_signal(p[0]);
        break;
    default: fail(125, "unknown frame type", NULL);
    }
}

/* Reads what the channel has and handles every complete frame; returns 0 at end of input. */
static int read_channel(void) {
    ssize_t r = read(in_fd, inbuf + inlen, MAX_PAYLOAD + 5 - inlen);
    if (r < 0) return errno == EINTR || errno == EAGAIN ? 1 : 0;
    if (r == 0) return 0;
    inlen += (size_t) r;
    size_t at = 0;
    while (inlen - at >= 5) {
        unsigned char *h = inbuf + at;
        uint32_t n = (uint32_t) h[1] << 24 | (uint32_t) h[2] << 16 | (uint32_t) h[3] << 8 | h[4];
        if (n > MAX_PAYLOAD) fail(125, "frame too large", NULL);
        if (inlen - at - 5 < n) break;
        handle(h[0], h + 5, n);
        at += 5 + n;
    }
    memmove(inbuf, inbuf + at, inlen - at);
    inlen -= at;
    return 1;
}

/* Forwards what a child pipe has as a frame; returns 0 at end of file. */
static int forward(int fd, char type) {
    static unsigned char buf[CHUNK];
    ssize_t r = read(fd, buf, sizeof buf);
    if (r < 0) return errno == EINTR || errno == EAGAIN;
    if (r > 0) send_frame(type, buf, (uint32_t) r);
    return r > 0;
}

static void feed_child(void) {
    ssize_t w = write(child_in, pending, pending_len);
    if (w < 0) {
        if (errno == EINTR || errno == EAGAIN) return;
        pending_len = 0; /* EPIPE: the child stopped reading; what it did not take is discarded */
        stdin_eof = 1;
    } else {
        memmove(pending, pending + w, pending_len - (size_t) w);
        pending_len -= (size_t) w;
    }
    if (stdin_eof && pending_len == 0) {
        close(child_in);
        child_in = -1;
    }
}

static int boot_mark(void) {
    /* Only meaningful inside an airlock microVM; elsewhere the port is not ours to touch. */
    if (ioperm(BOOT_TIMER_PORT, 1, 1) == 0) outb(1, BOOT_TIMER_PORT);
    return 0;
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: airlock-agent DEVICE | --stdio | --boot-mark\n");
        return 2;
    }
    if (strcmp(argv[1], "--boot-mark") == 0) return boot_mark();
    if (strcmp(argv[1], "--stdio") == 0) {
        in_fd = 0;
        out_fd = 1;
    } else {
        in_fd = out_fd = open(argv[1], O_RDWR | O_NOCTTY | O_CLOEXEC);
        if (in_fd < 0) {
            fprintf(stderr, "airlock-agent: %s: %s\n", argv[1], strerror(errno));
            return 1;
        }
    }
    if (isatty(in_fd)) {
        /* hvc0 is a tty: without raw mode the line discipline would echo and rewrite bytes. */
        struct termios t;
        if (tcgetattr(in_fd, &t) == 0) {
            cfmakeraw(&t);
            tcsetattr(in_fd, TCSANOW, &t);
        }
    }
    signal(SIGPIPE, SIG_IGN);
    inbuf = malloc(MAX_PAYLOAD + 5);
    if (!inbuf) return 1;
    send_frame('H', PROTOCOL_VERSION, sizeof PROTOCOL_VERSION - 1);

    int channel_open = 1;
    while (1) {
        struct pollfd fds[4];
        int n = 0, ci = -1, oi = -1, ei = -1, ii = -1;
        if (channel_open) { ci = n; fds[n].fd = in_fd; fds[n++].events = POLLIN; }
        if (child_out >= 0) { oi = n; fds[n].fd = child_out; fds[n++].events = POLLIN; }
        if (child_err >= 0) { ei = n; fds[n].fd = child_err; fds[n++].events = POLLIN; }
        if (child_in >= 0 && pending_len > 0) { ii = n; fds[n].fd = child_in; fds[n++].events = POLLOUT; }
        if (child > 0 && child_out < 0 && child_err < 0) break;
        if (n == 0) return 1;
        if (poll(fds, (nfds_t) n, -1) < 0) {
            if (errno == EINTR) continue;
            return 1;
        }
        if (ci >= 0 && fds[ci].revents) {
            if (!read_channel()) {
                channel_open = 0;
                if (child <= 0) return 1; /* the host went away before asking for anything */
            }
        }
        if (oi >= 0 && fds[oi].revents && !forward(child_out, '1')) { close(child_out); child_out = -1; }
        if (ei >= 0 && fds[ei].revents && !forward(child_err, '2')) { close(child_err); child_err = -1; }
        if (ii >= 0 && fds[ii].revents && child_in >= 0) feed_child();
    }
    int status;
    while (waitpid(child, &status, 0) < 0 && errno == EINTR) {}
    send_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
    return 0;
}
