/*
 * `tinysim sweep`: run a matrix of boards x clocks x models (x inputs) as parallel `tinysim
 * run` processes, each writing its own report, then summarise them (profiler/sweep.h);
 * `tinysim merge`: the same summary from reports made anywhere (a CI matrix, GNU parallel on
 * several hosts). A sweep is merge over the reports it just made, so both give the same rows.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../models/json.h"
#include "../models/outfile.h"
#include "../models/util.h"
#include "../profiler/sweep.h"
#include "../sim/board.h"
#include "cli.h"

#define MAX_LIST 64
#define MAX_RUNS 4096

typedef struct {
    char *item[MAX_LIST];
    int n;
    char *buf;
} list;

/* Split a comma-separated list (its own copy, in l->item[0]'s buffer). 0, or -1. */
static int split(const char *s, list *l)
{
    char *c = strdup(s);
    if (!c)
        abort();
    l->n = 0;
    l->buf = c;
    for (char *tok = strtok(c, ","); tok; tok = strtok(NULL, ",")) {
        while (*tok == ' ')
            tok++;
        if (!*tok)
            continue;
        if (l->n == MAX_LIST)
            return -1;
        l->item[l->n++] = tok;
    }
    return l->n ? 0 : -1;
}

static void list_free(list *l)
{
    free(l->buf);
    l->buf = NULL;
    l->n = 0;
}

typedef struct {
    const char *board, *clock, *model, *input, *firmware;
    char name[256], json[4400], log[4400]; /* dir (< 4096) / name (< 256) .json */
    pid_t pid;
    int done, code;
} job;

/* The summary's outputs, opened before any work. */
typedef struct {
    const char *json, *csv, *html;
    mo_file *o[3];
} outs;

static int outs_open(outs *w)
{
    const char *p[3] = {w->json, w->csv, w->html};
    char *cause = NULL;
    for (int i = 0; i < 3; i++) {
        w->o[i] = NULL;
        if (p[i] && !(w->o[i] = mo_open(p[i], &cause))) {
            cli_error("%s", cause);
            free(cause);
            for (int k = 0; k < i; k++)
                mo_abort(w->o[k]);
            return TS_EXIT_INPUT;
        }
    }
    return -1;
}

static int outs_write(outs *w, const prof_sweep_row *rows, size_t n)
{
    int rc = TS_EXIT_OK;
    for (int i = 0; i < 3; i++) {
        if (!w->o[i])
            continue;
        FILE *f = mo_stream(w->o[i]);
        if (i == 0)
            prof_sweep_json(f, rows, n);
        else if (i == 1)
            prof_sweep_csv(f, rows, n);
        else
            prof_sweep_html(f, rows, n);
        char *cause = NULL;
        if (mo_commit(w->o[i], &cause) != 0) {
            cli_error("%s", cause);
            free(cause);
            rc = TS_EXIT_INPUT;
        }
        w->o[i] = NULL;
    }
    return rc;
}

/* The first "tinysim: ..." line of a run's log: why it was refused. */
static void log_reason(const char *path, char *out, size_t n)
{
    uint8_t *d = NULL;
    size_t len = 0;
    char *cause = NULL;
    out[0] = 0;
    if (mu_read_file(path, &d, &len, &cause) != 0) {
        free(cause);
        return;
    }
    const char *s = (const char *)d, *end = s + len;
    while (s < end) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        size_t l = nl ? (size_t)(nl - s) : (size_t)(end - s);
        /* "tinysim: ..." (an error) or "tinysim run: ..." (a usage error) */
        size_t skip = l > 9 && strncmp(s, "tinysim: ", 9) == 0 ? 9
                      : l > 13 && strncmp(s, "tinysim run: ", 13) == 0 ? 13 : 0;
        if (skip && strncmp(s + skip, "warning", 7) != 0) {
            snprintf(out, n, "%.*s", (int)(l - skip < n - 1 ? l - skip : n - 1), s + skip);
            break;
        }
        s += l + 1;
    }
    free(d);
}

/* The table on stdout, the outputs written; the exit code (1 when a run is not ok). */
static int summarise(outs *w, const prof_sweep_row *rows, size_t n)
{
    prof_sweep_print(stdout, rows, n);
    int rc = outs_write(w, rows, n);
    for (size_t i = 0; i < n && rc == TS_EXIT_OK; i++)
        if (strcmp(rows[i].status, "ok") != 0)
            rc = TS_EXIT_VERDICT;
    return rc;
}

/* A run report's row (path: the report; input: the row's input label). 0, or -1 with err
 * (unreadable, not JSON, not a report). */
static int load_row(const char *path, const char *input, prof_sweep_row *row, char *err,
                    size_t n)
{
    uint8_t *d = NULL;
    size_t len = 0;
    char *cause = NULL;
    if (mu_read_file(path, &d, &len, &cause) != 0) {
        snprintf(err, n, "%s", cause);
        free(cause);
        return -1;
    }
    char perr[256];
    json_value *v = json_parse((const char *)d, len, perr, sizeof perr);
    free(d);
    if (!v) {
        snprintf(err, n, "%s: not JSON: %s", path, perr);
        return -1;
    }
    int rc = prof_sweep_row_from_report(v, path, input, row, perr, sizeof perr);
    json_free(v);
    if (rc != 0)
        snprintf(err, n, "%s: %s", path, perr);
    return rc;
}

static int nprocs(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 && n < 256 ? (int)n : 1;
}

int cli_sweep(int argc, char **argv)
{
    const cli_command *c = cli_find("sweep");
    static const struct option opts[] = {
        {"boards", required_argument, NULL, 'b'}, {"clocks", required_argument, NULL, 'k'},
        {"models", required_argument, NULL, 'm'}, {"inputs", required_argument, NULL, 'i'},
        {"firmware", required_argument, NULL, 'f'}, {"jobs", required_argument, NULL, 'j'},
        {"json", required_argument, NULL, 'J'}, {"csv", required_argument, NULL, 'C'},
        {"html", required_argument, NULL, 'H'}, {"out-dir", required_argument, NULL, 'o'},
        {"max-ms", required_argument, NULL, 1000}, {"max-uj", required_argument, NULL, 1001},
        {"max-ram", required_argument, NULL, 1002}, {"max-flash", required_argument, NULL, 1003},
        {"max-stack", required_argument, NULL, 1004}, {"timeout", required_argument, NULL, 1005},
        {NULL, 0, NULL, 0}};
    static const char *const pass_name[] = {"--max-ms", "--max-uj", "--max-ram", "--max-flash",
                                            "--max-stack", "--timeout"};
    const char *boards = NULL, *clocks = "default", *models = NULL, *inputs = NULL;
    const char *fw = "build/firmware/{board}/infer.elf", *dir = NULL, *pass[6] = {0};
    outs w = {0};
    int jobs = nprocs(), ch;
    optind = 1;
    opterr = 0;
    while ((ch = getopt_long(argc, argv, ":j:", opts, NULL)) != -1) {
        switch (ch) {
        case 'b': boards = optarg; break;
        case 'k': clocks = optarg; break;
        case 'm': models = optarg; break;
        case 'i': inputs = optarg; break;
        case 'f': fw = optarg; break;
        case 'j': {
            char *end;
            long v = strtol(optarg, &end, 10);
            if (*end || v < 1 || v > 256)
                return cli_usage_error(c, "-j wants 1 to 256 processes, not '%s'", optarg);
            jobs = (int)v;
            break;
        }
        case 'J': w.json = optarg; break;
        case 'C': w.csv = optarg; break;
        case 'H': w.html = optarg; break;
        case 'o': dir = optarg; break;
        case 1000: case 1001: case 1002: case 1003: case 1004: case 1005:
            pass[ch - 1000] = optarg;
            break;
        case ':': return cli_usage_error(c, "option %s needs an argument", argv[optind - 1]);
        default: return cli_usage_error(c, "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind != argc)
        return cli_usage_error(c, "unexpected argument '%s'", argv[optind]);
    if (!boards || !models)
        return cli_usage_error(c, "give --boards LIST and --models LIST ('tinysim boards' "
                                  "lists the boards; --boards all takes every one)");
    if (!w.json)
        return cli_usage_error(c, "give --json FILE: the summary, beside the directory of "
                                  "each run's report");
    list lb = {0}, lk = {0}, lm = {0}, li = {0};
    if (split(boards, &lb) || split(clocks, &lk) || split(models, &lm) ||
        (inputs && split(inputs, &li))) {
        list_free(&lb);
        list_free(&lk);
        list_free(&lm);
        list_free(&li);
        return cli_usage_error(c, "a list is empty or has more than %d items", MAX_LIST);
    }
    int rc = TS_EXIT_INPUT;
    job *J = NULL;
    prof_sweep_row *rows = NULL;
    if (lb.n == 1 && strcmp(lb.item[0], "all") == 0) { /* every built-in board */
        list_free(&lb);
        for (uint32_t i = 0; i < sim_board_builtin_count() && i < MAX_LIST; i++)
            lb.item[lb.n++] = (char *)sim_board_builtin(i)->name; /* static names */
    }
    for (int i = 0; i < lk.n; i++) {
        char *end;
        double mhz = strtod(lk.item[i], &end);
        if (strcmp(lk.item[i], "default") != 0 && (*end || !(mhz > 0) || mhz > 1000)) {
            rc = cli_usage_error(c, "--clocks: '%s' is not a clock in MHz (80, 4.194304) or "
                                    "'default'", lk.item[i]);
            goto out;
        }
    }
    struct stat sb;
    for (int i = 0; i < lm.n; i++)
        if (stat(lm.item[i], &sb) != 0 || !S_ISREG(sb.st_mode)) {
            cli_error("--models: cannot read %s: %s", lm.item[i],
                      errno ? strerror(errno) : "not a file");
            goto out;
        }
    for (int i = 0; i < li.n; i++)
        if (stat(li.item[i], &sb) != 0 || !S_ISREG(sb.st_mode)) {
            cli_error("--inputs: cannot read %s: %s", li.item[i],
                      errno ? strerror(errno) : "not a file");
            goto out;
        }
    size_t njobs = (size_t)lb.n * (size_t)lk.n * (size_t)lm.n * (size_t)(li.n ? li.n : 1);
    if (njobs > MAX_RUNS) {
        rc = cli_usage_error(c, "%zu runs: a sweep makes at most %d", njobs, MAX_RUNS);
        goto out;
    }
    J = calloc(njobs, sizeof *J);
    rows = calloc(njobs, sizeof *rows);
    if (!J || !rows)
        abort();
    /* the firmware of each board */
    char (*fws)[4096] = calloc((size_t)lb.n, sizeof *fws);
    if (!fws)
        abort();
    for (int i = 0; i < lb.n; i++) {
        const char *at = strstr(fw, "{board}");
        if (at)
            snprintf(fws[i], sizeof fws[i], "%.*s%s%s", (int)(at - fw), fw, lb.item[i], at + 7);
        else
            snprintf(fws[i], sizeof fws[i], "%s", fw);
        if (stat(fws[i], &sb) != 0) {
            cli_error("no firmware for board %s at %s: build it ('make firmware') or give "
                      "--firmware TEMPLATE ({board} stands for the board's name)",
                      lb.item[i], fws[i]);
            free(fws);
            goto out;
        }
    }
    /* the reports' directory: --out-dir, or the summary's name with .runs */
    char dbuf[4096];
    if (!dir) {
        size_t l = strlen(w.json);
        if (strcmp(w.json, "-") == 0)
            snprintf(dbuf, sizeof dbuf, "sweep.runs");
        else if (l > 5 && strcmp(w.json + l - 5, ".json") == 0)
            snprintf(dbuf, sizeof dbuf, "%.*s.runs", (int)(l - 5), w.json);
        else
            snprintf(dbuf, sizeof dbuf, "%s.runs", w.json);
        dir = dbuf;
    }
    if (strlen(dir) >= 4096) {
        cli_error("the directory name for the runs' reports is too long");
        free(fws);
        goto out;
    }
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        cli_error("cannot create the directory %s for the runs' reports: %s", dir, strerror(errno));
        free(fws);
        goto out;
    }
    if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
        cli_error("%s is not a directory: give --out-dir DIR for the runs' reports", dir);
        free(fws);
        goto out;
    }
    if (outs_open(&w) >= 0) {
        free(fws);
        goto out;
    }
    size_t n = 0;
    for (int b = 0; b < lb.n; b++)
        for (int k = 0; k < lk.n; k++)
            for (int m = 0; m < lm.n; m++)
                for (int i = 0; i < (li.n ? li.n : 1); i++) {
                    job *j = &J[n++];
                    j->board = lb.item[b];
                    j->clock = lk.item[k];
                    j->model = lm.item[m];
                    j->input = li.n ? li.item[i] : NULL;
                    j->firmware = fws[b];
                    const char *mb = strrchr(j->model, '/'), *ib = j->input ? strrchr(j->input, '/') : NULL;
                    mb = mb ? mb + 1 : j->model;
                    ib = j->input ? (ib ? ib + 1 : j->input) : NULL;
                    snprintf(j->name, sizeof j->name, "%s-%s-%.*s%s%.*s", j->board,
                             strcmp(j->clock, "default") == 0 ? "default" : j->clock,
                             (int)strcspn(mb, "."), mb, ib ? "-" : "", ib ? (int)strcspn(ib, ".") : 0,
                             ib ? ib : "");
                    snprintf(j->json, sizeof j->json, "%s/%s.json", dir, j->name);
                    snprintf(j->log, sizeof j->log, "%s/%s.log", dir, j->name);
                }
    char self[4096];
    ssize_t sl = readlink("/proc/self/exe", self, sizeof self - 1);
    if (sl <= 0) {
        cli_error("cannot find this tinysim's executable (/proc/self/exe): %s", strerror(errno));
        free(fws);
        goto out;
    }
    self[sl] = 0;
    fprintf(stderr, "sweep: %zu runs, %d at a time; each run's report and log in %s/\n", n, jobs,
            dir);
    size_t next = 0, running = 0, finished = 0;
    while (finished < n) {
        while (running < (size_t)jobs && next < n) {
            job *j = &J[next++];
            unlink(j->json); /* a report from an earlier sweep must not stand in for this run's */
            char *av[40];
            int ac = 0;
            av[ac++] = self;
            av[ac++] = (char *)"run";
            av[ac++] = (char *)j->firmware;
            av[ac++] = (char *)"--board";
            av[ac++] = (char *)j->board;
            av[ac++] = (char *)"--model";
            av[ac++] = (char *)j->model;
            if (j->input) {
                av[ac++] = (char *)"--input";
                av[ac++] = (char *)j->input;
            }
            if (strcmp(j->clock, "default") != 0) {
                av[ac++] = (char *)"--clock";
                av[ac++] = (char *)j->clock;
            }
            av[ac++] = (char *)"--json";
            av[ac++] = j->json;
            av[ac++] = (char *)"-q";
            for (int p = 0; p < 6; p++)
                if (pass[p]) {
                    av[ac++] = (char *)pass_name[p];
                    av[ac++] = (char *)pass[p];
                }
            av[ac] = NULL;
            fflush(NULL);
            pid_t pid = fork();
            if (pid == 0) {
                int fd = open(j->log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
                int nul = open("/dev/null", O_RDONLY | O_CLOEXEC);
                if (fd < 0 || nul < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0 || dup2(nul, 0) < 0)
                    _exit(126);
                execv(self, av);
                _exit(127);
            }
            if (pid < 0) {
                j->done = 1;
                j->code = 127;
                finished++;
                continue;
            }
            j->pid = pid;
            running++;
        }
        int st;
        pid_t pid = waitpid(-1, &st, 0);
        if (pid < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        for (size_t i = 0; i < n; i++) {
            if (J[i].pid != pid || J[i].done)
                continue;
            J[i].done = 1;
            J[i].code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
            running--;
            finished++;
            fprintf(stderr, "sweep: [%zu/%zu] %s: exit %d\n", finished, n, J[i].name, J[i].code);
        }
    }
    free(fws);
    /* the rows: each run's report, or why it made none */
    for (size_t i = 0; i < n; i++) {
        job *j = &J[i];
        prof_sweep_row *r = &rows[i];
        char err[512];
        if (load_row(j->json, j->input ? j->input : "", r, err, sizeof err) != 0) {
            memset(r, 0, sizeof *r);
            snprintf(r->board, sizeof r->board, "%s", j->board);
            r->clock_hz = strcmp(j->clock, "default") == 0 ? 0 : (uint32_t)(strtod(j->clock, NULL) * 1e6 + 0.5);
            const char *mb = strrchr(j->model, '/');
            mb = mb ? mb + 1 : j->model;
            snprintf(r->model, sizeof r->model, "%.*s", (int)strcspn(mb, "."), mb);
            snprintf(r->input, sizeof r->input, "%s", j->input ? j->input : "");
            snprintf(r->status, sizeof r->status, "refused");
            r->exit_code = j->code;
            log_reason(j->log, r->note, sizeof r->note);
            if (!r->note[0])
                snprintf(r->note, sizeof r->note, "exit %d, no report (see %s)", j->code, j->log);
        } else if (r->exit_code != j->code && strcmp(r->status, "ok") == 0) {
            snprintf(r->status, sizeof r->status, "failed");
            snprintf(r->note, sizeof r->note, "exit %d", j->code);
        }
    }
    rc = summarise(&w, rows, n);
out:
    free(J);
    free(rows);
    list_free(&lb);
    list_free(&lk);
    list_free(&lm);
    list_free(&li);
    return rc;
}

int cli_merge(int argc, char **argv)
{
    const cli_command *c = cli_find("merge");
    static const struct option opts[] = {
        {"json", required_argument, NULL, 'J'}, {"csv", required_argument, NULL, 'C'},
        {"html", required_argument, NULL, 'H'}, {NULL, 0, NULL, 0}};
    outs w = {0};
    int ch;
    optind = 1;
    opterr = 0;
    while ((ch = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
        switch (ch) {
        case 'J': w.json = optarg; break;
        case 'C': w.csv = optarg; break;
        case 'H': w.html = optarg; break;
        case ':': return cli_usage_error(c, "option %s needs an argument", argv[optind - 1]);
        default: return cli_usage_error(c, "unknown option '%s'", argv[optind - 1]);
        }
    }
    size_t n = (size_t)(argc - optind);
    if (n == 0)
        return cli_usage_error(c, "give the run reports to merge (tinysim run --json FILE)");
    if (n > MAX_RUNS)
        return cli_usage_error(c, "%zu reports: merge takes at most %d", n, MAX_RUNS);
    prof_sweep_row *rows = calloc(n, sizeof *rows);
    if (!rows)
        abort();
    int rc = TS_EXIT_INPUT;
    for (size_t i = 0; i < n; i++) {
        char err[512];
        if (load_row(argv[optind + (int)i], "", &rows[i], err, sizeof err) != 0) {
            cli_error("%s", err);
            goto out;
        }
    }
    if (outs_open(&w) >= 0)
        goto out;
    rc = summarise(&w, rows, n);
out:
    free(rows);
    return rc;
}
