/*
 * Output files (outfile.h has the rules): streams for "-", devices, FIFOs and links to them;
 * a temporary in the destination's directory renamed over it for regular files.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "outfile.h"
#include "util.h"

typedef enum {
    MO_STDOUT,  /* "-", or a link to stdout's file: stdout itself */
    MO_STDERR,  /* a link to stderr's file: stderr itself */
    MO_STREAM,  /* a character device, FIFO or socket, opened for writing */
    MO_REGULAR  /* a temporary renamed over the destination by mo_commit */
} mo_kind;

struct mo_file {
    char *path; /* as the user gave it */
    char *tmp;  /* MO_REGULAR: the temporary, removed unless renamed */
    FILE *f;
    mo_kind kind;
    int err;    /* errno of the first failed mo_write, 0 if none */
    int slot;   /* index in live[], or -1 */
};

/* ===================================================================== temporaries */

/* Temporaries not yet renamed or removed, for mo_cleanup in a signal handler. A slot is
 * filled with a complete string and emptied before the string is freed. */
#define MO_LIVE 32
static char *volatile live[MO_LIVE];

static int live_add(char *tmp)
{
    for (int i = 0; i < MO_LIVE; i++) {
        if (!live[i]) {
            live[i] = tmp;
            return i;
        }
    }
    return -1; /* more than MO_LIVE open at once: this one is only not cleaned up on a signal */
}

static void live_remove(mo_file *o)
{
    if (o->slot >= 0)
        live[o->slot] = NULL;
    o->slot = -1;
}

void mo_cleanup(void)
{
    for (int i = 0; i < MO_LIVE; i++) {
        char *t = live[i];
        if (t)
            unlink(t);
    }
}

/* ===================================================================== open */

static int same_file(const struct stat *a, const struct stat *b)
{
    return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/* MO_STDOUT or MO_STDERR when st is the file of standard output or error, else -1. */
static int std_stream(const struct stat *st)
{
    struct stat fd;
    if (fstat(STDOUT_FILENO, &fd) == 0 && same_file(st, &fd))
        return MO_STDOUT;
    if (fstat(STDERR_FILENO, &fd) == 0 && same_file(st, &fd))
        return MO_STDERR;
    return -1;
}

static const char *kind_name(mode_t m)
{
    return S_ISDIR(m)    ? "a directory"
           : S_ISBLK(m)  ? "a block device"
           : S_ISCHR(m)  ? "a character device"
           : S_ISFIFO(m) ? "a FIFO"
           : S_ISSOCK(m) ? "a socket"
           : S_ISLNK(m)  ? "a symbolic link"
           : S_ISREG(m)  ? "a regular file"
                         : "a special file";
}

static mo_file *new_file(const char *path, mo_kind kind, FILE *f)
{
    mo_file *o = calloc(1, sizeof *o);
    if (!o)
        return NULL;
    o->path = strdup(path);
    if (!o->path) {
        free(o);
        return NULL;
    }
    o->kind = kind;
    o->f = f;
    o->slot = -1;
    return o;
}

/* Open an existing device, FIFO or socket (st: what lstat or stat saw) as a stream. */
static mo_file *open_stream(const char *path, const struct stat *st, int via_link, char **cause)
{
    int fd = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC | (via_link ? 0 : O_NOFOLLOW));
    struct stat now;
    if (fd < 0) {
        *cause = mu_asprintf("cannot write %s: %s%s", path,
                             S_ISSOCK(st->st_mode) ? "it is a socket, which cannot be opened "
                                                     "as a file: "
                                                   : "",
                             strerror(errno));
        return NULL;
    }
    if (fstat(fd, &now) != 0 || !same_file(&now, st) ||
        (now.st_mode & S_IFMT) != (st->st_mode & S_IFMT)) {
        close(fd);
        *cause = mu_asprintf("cannot write %s: it was replaced while tinysim opened it", path);
        return NULL;
    }
    FILE *f = fdopen(fd, "wb");
    mo_file *o = f ? new_file(path, MO_STREAM, f) : NULL;
    if (!o) {
        if (f)
            fclose(f);
        else
            close(fd);
        *cause = mu_asprintf("cannot write %s: out of memory", path);
    }
    return o;
}

/* A regular destination (existing: *old, else NULL): a temporary next to it. */
static mo_file *open_regular(const char *path, const struct stat *old, char **cause)
{
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    int dlen = slash ? (int)(slash - path) + 1 : 0; /* the directory, with its '/' */
    if (!*base) {
        *cause = mu_asprintf("cannot write %s: that names a directory; give a file name", path);
        return NULL;
    }
    /* ".NAME.XXXXXX"; a long NAME is cut so that the temporary's name stays within NAME_MAX */
    char *tmp = mu_asprintf("%.*s.%.200s.XXXXXX", dlen, path, base);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        int e = errno;
        if (e == ENOENT || e == ENOTDIR)
            *cause = mu_asprintf("cannot create %s: directory %.*s does not exist", path,
                                 dlen > 1 ? dlen - 1 : 1, dlen ? path : ".");
        else
            *cause = mu_asprintf("cannot create %s: %s", path, strerror(e));
        free(tmp);
        return NULL;
    }
    fcntl(fd, F_SETFD, FD_CLOEXEC);
    mode_t mode;
    if (old) {
        /* keep the file as it was: owner (where allowed; chown first, as it may clear set-id
         * bits) and mode */
        if (old->st_uid != geteuid() || old->st_gid != getegid())
            (void)!fchown(fd, old->st_uid, old->st_gid);
        mode = old->st_mode & 07777;
    } else {
        mode_t mask = umask(022);
        umask(mask);
        mode = 0666 & ~mask;
    }
    (void)!fchmod(fd, mode); /* if refused, the file stays 0600: never more open than asked */
    FILE *f = fdopen(fd, "wb");
    mo_file *o = f ? new_file(path, MO_REGULAR, f) : NULL;
    if (!o) {
        if (f)
            fclose(f);
        else
            close(fd);
        unlink(tmp);
        free(tmp);
        *cause = mu_asprintf("cannot write %s: out of memory", path);
        return NULL;
    }
    o->tmp = tmp;
    o->slot = live_add(tmp);
    return o;
}

mo_file *mo_open(const char *path, char **cause)
{
    struct stat ls, ts;
    if (!path || !*path) {
        *cause = mu_asprintf("an empty output file name (give a path, or - for standard output)");
        return NULL;
    }
    if (strcmp(path, "-") == 0) {
        mo_file *o = new_file(path, MO_STDOUT, stdout);
        if (!o)
            *cause = mu_asprintf("out of memory");
        return o;
    }
    if (lstat(path, &ls) != 0) {
        if (errno == ENOENT)
            return open_regular(path, NULL, cause);
        if (errno == ENOTDIR)
            *cause = mu_asprintf("cannot create %s: a part of its directory is not a directory",
                                 path);
        else
            *cause = mu_asprintf("cannot write %s: %s", path, strerror(errno));
        return NULL;
    }
    if (S_ISLNK(ls.st_mode)) {
        char to[256];
        ssize_t n = readlink(path, to, sizeof to - 1);
        to[n > 0 ? n : 0] = 0;
        if (stat(path, &ts) != 0) {
            *cause = mu_asprintf("cannot write %s: it is a symbolic link (to '%s', which does "
                                 "not exist); tinysim does not write through symbolic links: "
                                 "give the file's own path",
                                 path, to);
            return NULL;
        }
        int std = (S_ISCHR(ts.st_mode) || S_ISFIFO(ts.st_mode) || S_ISSOCK(ts.st_mode) ||
                   S_ISREG(ts.st_mode))
                      ? std_stream(&ts)
                      : -1;
        if (std >= 0) { /* /dev/stdout, /dev/stderr */
            mo_file *o = new_file(path, (mo_kind)std, std == MO_STDOUT ? stdout : stderr);
            if (!o)
                *cause = mu_asprintf("out of memory");
            return o;
        }
        if (S_ISFIFO(ts.st_mode) || S_ISSOCK(ts.st_mode)) /* /dev/fd/N of a pipe */
            return open_stream(path, &ts, 1, cause);
        *cause = mu_asprintf("cannot write %s: it is a symbolic link (to '%s', %s); tinysim "
                             "neither writes through a link nor replaces it: give the target's "
                             "own path, or remove the link",
                             path, to, kind_name(ts.st_mode));
        return NULL;
    }
    if (S_ISREG(ls.st_mode))
        return open_regular(path, &ls, cause);
    if (S_ISCHR(ls.st_mode) || S_ISFIFO(ls.st_mode) || S_ISSOCK(ls.st_mode)) {
        int std = std_stream(&ls); /* the terminal or pipe stdout already writes to */
        if (std >= 0) {
            mo_file *o = new_file(path, (mo_kind)std, std == MO_STDOUT ? stdout : stderr);
            if (!o)
                *cause = mu_asprintf("out of memory");
            return o;
        }
        return open_stream(path, &ls, 0, cause);
    }
    *cause = mu_asprintf("cannot write %s: it is %s; tinysim writes regular files, character "
                         "devices, FIFOs and - (standard output)%s",
                         path, kind_name(ls.st_mode),
                         S_ISDIR(ls.st_mode) ? ": give a file name inside it" : "");
    return NULL;
}

/* ===================================================================== write and commit */

FILE *mo_stream(mo_file *o)
{
    return o->f;
}

const char *mo_path(const mo_file *o)
{
    return o->path;
}

int mo_is_stdout(const mo_file *o)
{
    return o && o->kind == MO_STDOUT;
}

int mo_is_regular(const mo_file *o)
{
    return o && o->kind == MO_REGULAR;
}

int mo_write(mo_file *o, const void *p, size_t n)
{
    if (n && fwrite(p, 1, n, o->f) != n) {
        if (!o->err)
            o->err = errno ? errno : EIO;
        return -1;
    }
    return 0;
}

static void free_file(mo_file *o)
{
    live_remove(o);
    free(o->tmp);
    free(o->path);
    free(o);
}

void mo_abort(mo_file *o)
{
    if (!o)
        return;
    if (o->kind == MO_STREAM || o->kind == MO_REGULAR)
        fclose(o->f);
    else
        fflush(o->f);
    if (o->tmp)
        unlink(o->tmp);
    free_file(o);
}

int mo_commit(mo_file *o, char **cause)
{
    int e = 0;
    if (!o)
        return 0;
    if (o->kind == MO_STDOUT || o->kind == MO_STDERR) {
        fflush(o->f); /* errors on stdout are reported once, at exit (tui/main.c) */
        free_file(o);
        return 0;
    }
    errno = 0;
    if (fflush(o->f) != 0)
        e = errno ? errno : EIO;
    else if (ferror(o->f))
        e = o->err ? o->err : EIO;
    if (!e && o->kind == MO_REGULAR && fsync(fileno(o->f)) != 0 && errno != EINVAL &&
        errno != ENOSYS && errno != ENOTSUP) /* file systems without fsync: not an error */
        e = errno;
    errno = 0;
    if (fclose(o->f) != 0 && !e)
        e = errno ? errno : EIO;
    if (!e && o->kind == MO_REGULAR) {
        /* rename only over a regular file or nothing: someone may have put a link or a
         * directory there since mo_open */
        struct stat st;
        if (lstat(o->path, &st) == 0 && !S_ISREG(st.st_mode)) {
            *cause = mu_asprintf("cannot write %s: it became %s while tinysim was writing it, "
                                 "which tinysim does not replace; nothing was written",
                                 o->path, kind_name(st.st_mode));
            unlink(o->tmp);
            free_file(o);
            return -1;
        }
        if (rename(o->tmp, o->path) != 0)
            e = errno;
    }
    if (e) {
        *cause = mu_asprintf("cannot write %s: %s%s", o->path, strerror(e),
                             o->kind == MO_REGULAR ? " (the file was left as it was)" : "");
        if (o->tmp)
            unlink(o->tmp);
        free_file(o);
        return -1;
    }
    free_file(o);
    return 0;
}

int mo_write_file(const char *path, const void *data, size_t len, char **cause)
{
    mo_file *o = mo_open(path, cause);
    if (!o)
        return -1;
    mo_write(o, data, len);
    return mo_commit(o, cause);
}
