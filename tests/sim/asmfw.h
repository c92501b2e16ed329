/*
 * Test helpers (header only) that build tiny Thumb firmware at test time: write an assembly
 * source and a linker script into a temporary directory, assemble and link them with
 * arm-none-eabi-gcc, and open the ELF with sim_elf_open. Used by tests/sim/test_sim.c and
 * tests/sim/test_calib.c. Every function is static inline, so a test that uses only some of
 * them compiles without unused-function warnings.
 */
#ifndef TESTS_SIM_ASMFW_H
#define TESTS_SIM_ASMFW_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sim/elf.h"

#define ASMFW_GCC "arm-none-eabi-gcc"

/* 1 if arm-none-eabi-gcc runs, 0 if not; the first call that finds it missing prints one
 * SKIP line naming who (the test file) needs it. */
static inline int asmfw_have_gcc(const char *who)
{
    static int state = -1; /* 1 found, 0 missing */
    if (state < 0) {
        state = system(ASMFW_GCC " --version >/dev/null 2>&1") == 0;
        if (!state)
            printf("SKIP: %s not found: %s builds its firmware at test time (install "
                   "gcc-arm-none-eabi)\n", ASMFW_GCC, who);
    }
    return state;
}

/* Write the concatenation of a, b and c (b and c may be NULL) to path; 0 or -1. */
static inline int asmfw_write_file(const char *path, const char *a, const char *b,
                                   const char *c)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    fputs(a, f);
    if (b)
        fputs(b, f);
    if (c)
        fputs(c, f);
    return fclose(f);
}

/* Run argv with stdout and stderr into log; 0 if it exited with 0. */
static inline int asmfw_run_cmd(char *const argv[], const char *log)
{
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
            close(fd);
        }
        execvp(argv[0], argv);
        _exit(127);
    }
    int st;
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR)
            return -1;
    return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

/* Copy the file log to stderr, each line indented. */
static inline void asmfw_print_log(const char *log)
{
    char line[512];
    FILE *f = fopen(log, "r");
    if (!f)
        return;
    while (fgets(line, sizeof line, f))
        fprintf(stderr, "    %s", line);
    fclose(f);
}

/* Remove path and, if it is a directory, everything under it. */
static inline void asmfw_rm_tree(const char *path)
{
    struct stat st;
    if (lstat(path, &st) < 0)
        return;
    if (S_ISDIR(st.st_mode)) {
        DIR *d = opendir(path);
        struct dirent *de;
        while (d && (de = readdir(d)) != NULL) {
            if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
                continue;
            char sub[2048];
            int len = snprintf(sub, sizeof sub, "%s/%s", path, de->d_name);
            if (len < 0 || (size_t)len >= sizeof sub)
                continue; /* never under the directories these tests make */
            asmfw_rm_tree(sub);
        }
        if (d)
            closedir(d);
        rmdir(path);
    } else {
        unlink(path);
    }
}

/* A fresh temporary directory $TMPDIR/stem.XXXXXX (/tmp without TMPDIR) into dir; 0, or -1
 * with a message on stderr. */
static inline int asmfw_mkdtemp(char *dir, size_t size, const char *stem)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, size, "%s/%s.XXXXXX", tmp && *tmp ? tmp : "/tmp", stem);
    if (!mkdtemp(dir)) {
        fprintf(stderr, "mkdtemp %s: %s\n", dir, strerror(errno));
        return -1;
    }
    return 0;
}

/*
 * Write the source a + b + c (b, c may be NULL) to dir/name.s and the linker script ldtext to
 * dir/name.ld, assemble and link them with -mthumb, the cpu flags (NULL-terminated, at most
 * 16), -nostdlib and entry 0 into dir/name.elf, and open it. NULL (with the assembler's output
 * printed) on failure.
 */
static inline sim_elf *asmfw_build(const char *dir, const char *name, const char *const *cpu,
                                   const char *a, const char *b, const char *c,
                                   const char *ldtext)
{
    char src[1024], ld[1024], elf[1024], log[1024];
    snprintf(src, sizeof src, "%s/%s.s", dir, name);
    snprintf(ld, sizeof ld, "%s/%s.ld", dir, name);
    snprintf(elf, sizeof elf, "%s/%s.elf", dir, name);
    snprintf(log, sizeof log, "%s/%s.log", dir, name);
    if (asmfw_write_file(src, a, b, c) < 0 || asmfw_write_file(ld, ldtext, NULL, NULL) < 0) {
        fprintf(stderr, "cannot write %s: %s\n", src, strerror(errno));
        return NULL;
    }
    char *argv[32];
    int n = 0;
    argv[n++] = (char *)ASMFW_GCC;
    argv[n++] = (char *)"-mthumb";
    for (int i = 0; cpu[i] && n < 20; i++)
        argv[n++] = (char *)cpu[i];
    argv[n++] = (char *)"-nostdlib";
    argv[n++] = (char *)"-nostartfiles";
    argv[n++] = (char *)"-T";
    argv[n++] = ld;
    argv[n++] = (char *)"-Wl,--no-warn-rwx-segments";
    argv[n++] = (char *)"-Wl,-e,0";
    argv[n++] = (char *)"-o";
    argv[n++] = elf;
    argv[n++] = src;
    argv[n] = NULL;
    if (asmfw_run_cmd(argv, log) < 0) {
        fprintf(stderr, "building %s failed:\n", src);
        asmfw_print_log(log);
        return NULL;
    }
    sim_elf *e = NULL;
    char *cause = NULL;
    if (sim_elf_open(elf, &e, &cause) < 0) {
        fprintf(stderr, "%s\n", cause);
        free(cause);
        return NULL;
    }
    return e;
}

#endif /* TESTS_SIM_ASMFW_H */
