/*
 * Tests for models/outfile.c: the output-file rules (models/outfile.h) in a scratch directory
 * of their own: whole files through a temporary, modes kept, links and directories refused,
 * nothing left behind by an abort, a changed destination or a cleanup. Devices, FIFOs and
 * standard output are exercised end to end by tests/trust/out.sh.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "models/outfile.h"

static char dir[64];

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/tinysim-outfile.XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    char cmd[128];
    (void)state;
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static const char *at(const char *name)
{
    static char paths[4][128];
    static int k;
    char *p = paths[k++ % 4];
    snprintf(p, sizeof paths[0], "%s/%s", dir, name);
    return p;
}

static void put(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

static char *get(const char *path)
{
    static char buf[256];
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = 0;
    fclose(f);
    return buf;
}

/* Entries of the scratch directory whose names start with '.' (the temporaries). */
static int hidden_entries(void)
{
    int n = 0;
    DIR *d = opendir(dir);
    struct dirent *e;
    assert_non_null(d);
    while ((e = readdir(d)) != NULL)
        if (e->d_name[0] == '.' && strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            n++;
    closedir(d);
    return n;
}

static void test_new_file_whole_with_umask_mode(void **state)
{
    char *cause = NULL;
    struct stat st;
    (void)state;
    mode_t old = umask(027);
    assert_int_equal(mo_write_file(at("new.bin"), "hello", 5, &cause), 0);
    umask(old);
    assert_string_equal(get(at("new.bin")), "hello");
    assert_int_equal(stat(at("new.bin"), &st), 0);
    assert_int_equal(st.st_mode & 0777, 0640); /* 0666 & ~027, not mkstemp's 0600 */
    assert_int_equal(hidden_entries(), 0);
}

static void test_existing_file_keeps_mode(void **state)
{
    char *cause = NULL;
    struct stat st;
    (void)state;
    put(at("old.bin"), "old");
    chmod(at("old.bin"), 0604);
    assert_int_equal(mo_write_file(at("old.bin"), "new", 3, &cause), 0);
    assert_string_equal(get(at("old.bin")), "new");
    assert_int_equal(stat(at("old.bin"), &st), 0);
    assert_int_equal(st.st_mode & 0777, 0604);
}

static void test_temporary_is_unique_and_hidden(void **state)
{
    char *cause = NULL;
    (void)state;
    /* a planted PATH.tmp link (the old scheme's name) must not be written through */
    put(at("victim"), "precious");
    assert_int_equal(symlink(at("victim"), at("r.json.tmp")), 0);
    mo_file *a = mo_open(at("r.json"), &cause), *b = mo_open(at("r.json"), &cause);
    assert_non_null(a);
    assert_non_null(b);
    assert_int_equal(hidden_entries(), 2); /* .r.json.XXXXXX twice */
    assert_int_equal(mo_write(a, "first", 5), 0);
    assert_int_equal(mo_write(b, "second", 6), 0);
    assert_int_equal(mo_commit(a, &cause), 0);
    assert_string_equal(get(at("r.json")), "first");
    assert_int_equal(mo_commit(b, &cause), 0);
    assert_string_equal(get(at("r.json")), "second"); /* the last rename wins, whole */
    assert_string_equal(get(at("victim")), "precious");
    assert_int_equal(hidden_entries(), 0);
}

static void test_symlink_refused(void **state)
{
    char *cause = NULL;
    char want[256];
    (void)state;
    put(at("target"), "precious");
    assert_int_equal(symlink(at("target"), at("link")), 0);
    assert_null(mo_open(at("link"), &cause));
    snprintf(want, sizeof want, "cannot write %s: it is a symbolic link", at("link"));
    assert_non_null(strstr(cause, want));
    free(cause);
    cause = NULL;
    assert_int_equal(symlink(at("nowhere"), at("dangling")), 0);
    assert_int_equal(mo_write_file(at("dangling"), "x", 1, &cause), -1);
    assert_non_null(strstr(cause, "symbolic link"));
    free(cause);
    assert_string_equal(get(at("target")), "precious");
    assert_null(get(at("nowhere")));
    struct stat st;
    assert_int_equal(lstat(at("link"), &st), 0);
    assert_true(S_ISLNK(st.st_mode));
}

static void test_directory_and_missing_directory(void **state)
{
    char *cause = NULL;
    char want[256];
    (void)state;
    assert_int_equal(mkdir(at("sub"), 0777), 0);
    assert_null(mo_open(at("sub"), &cause));
    snprintf(want, sizeof want, "cannot write %s: it is a directory", at("sub"));
    assert_non_null(strstr(cause, want));
    free(cause);
    cause = NULL;
    assert_null(mo_open(at("no/such/x.bin"), &cause));
    snprintf(want, sizeof want, "cannot create %s: directory %s does not exist",
             at("no/such/x.bin"), at("no/such"));
    assert_string_equal(cause, want);
    free(cause);
    cause = NULL;
    assert_null(mo_open("", &cause));
    free(cause);
}

static void test_abort_keeps_old_file(void **state)
{
    char *cause = NULL;
    (void)state;
    put(at("keep"), "old");
    mo_file *o = mo_open(at("keep"), &cause);
    assert_non_null(o);
    fputs("half a report", mo_stream(o));
    assert_int_equal(hidden_entries(), 1);
    mo_abort(o);
    assert_string_equal(get(at("keep")), "old");
    assert_int_equal(hidden_entries(), 0);
    mo_abort(NULL);
    assert_int_equal(mo_commit(NULL, &cause), 0);
}

static void test_destination_replaced_before_commit(void **state)
{
    char *cause = NULL;
    char want[256];
    (void)state;
    mo_file *o = mo_open(at("moving"), &cause);
    assert_non_null(o);
    mo_write(o, "data", 4);
    assert_int_equal(mkdir(at("moving"), 0777), 0); /* someone put a directory there */
    assert_int_equal(mo_commit(o, &cause), -1);
    snprintf(want, sizeof want, "cannot write %s: it became a directory", at("moving"));
    assert_non_null(strstr(cause, want));
    assert_null(strstr(cause, "XXXXXX"));
    free(cause);
    assert_int_equal(hidden_entries(), 0);
}

static void test_cleanup_removes_temporaries(void **state)
{
    char *cause = NULL;
    (void)state;
    mo_file *o = mo_open(at("sig"), &cause);
    assert_non_null(o);
    assert_int_equal(hidden_entries(), 1);
    mo_cleanup(); /* what a signal handler calls before the process ends */
    assert_int_equal(hidden_entries(), 0);
    mo_abort(o);
    assert_null(get(at("sig")));
}

static void test_dash_is_stdout(void **state)
{
    char *cause = NULL;
    (void)state;
    mo_file *o = mo_open("-", &cause);
    assert_non_null(o);
    assert_true(mo_is_stdout(o));
    assert_false(mo_is_regular(o));
    assert_ptr_equal(mo_stream(o), stdout);
    assert_string_equal(mo_path(o), "-");
    assert_int_equal(mo_commit(o, &cause), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_new_file_whole_with_umask_mode),
        cmocka_unit_test(test_existing_file_keeps_mode),
        cmocka_unit_test(test_temporary_is_unique_and_hidden),
        cmocka_unit_test(test_symlink_refused),
        cmocka_unit_test(test_directory_and_missing_directory),
        cmocka_unit_test(test_abort_keeps_old_file),
        cmocka_unit_test(test_destination_replaced_before_commit),
        cmocka_unit_test(test_cleanup_removes_temporaries),
        cmocka_unit_test(test_dash_is_stdout),
    };
    return cmocka_run_group_tests_name("models/outfile", tests, setup, teardown);
}
