/*
 * Tests for the engine through its public interface (sim/sim.h): tiny firmware written in
 * Thumb assembly, assembled and linked at test time with arm-none-eabi-gcc into a temporary
 * directory (one build per test group, in the group's set-up), run on the built-in boards
 * nucleo-l4r5zi (Cortex-M4F), nucleo-f207zg (Cortex-M3) and nucleo-g0b1re (Cortex-M0+).
 * Without arm-none-eabi-gcc every test skips with one message.
 *
 * Each case selects its entry point by writing the address of a function of the firmware
 * into the reset vector (flash at 0x08000000 + 4) before sim_reset: the firmware of a group
 * holds several small programs. Programs end with semihosting SYS_EXIT_EXTENDED and a status
 * that says what the firmware saw; RAM words at 0x20001000 carry other results to the host.
 *
 * Debugging: TEST_SIM_FILTER=pattern runs only the matching tests; TEST_SIM_KEEP=1 keeps the
 * temporary directories (sources, ELFs, assembler logs) and prints their paths.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "sim/board.h"
#include "sim/elf.h"
#include "sim/sim.h"
#include "tests/sim/asmfw.h"

#define FLASH_BASE 0x08000000u
#define SCRATCH 0x20001000u /* RAM words the programs leave results in */

/* ====================================================================== firmware builds */

/* Common to every firmware: macros, then the group's code, then the vector table. */
static const char PROLOGUE[] =
    "    .syntax unified\n"
    "    .thumb\n"
    "    .macro FUNC name\n"      /* a global Thumb function: the entry points */
    "    .balign 2\n"
    "    .global \\name\n"
    "    .type \\name, %function\n"
    "    .thumb_func\n"
    "\\name:\n"
    "    .endm\n"
    "    .macro LABEL name\n"     /* a global label: an instruction address the test needs */
    "    .global \\name\n"
    "\\name:\n"
    "    .endm\n"
    /* SYS_EXIT_EXTENDED(ADP_Stopped_ApplicationExit, reg): block {reason, status} on the stack */
    "    .macro EXIT_REG reg\n"
    "    mov r1, \\reg\n"
    "    ldr r0, =0x20026\n"
    "    push {r0, r1}\n"
    "    mov r1, sp\n"
    "    movs r0, #0x20\n"
    "    bkpt 0xab\n"
    "    b .\n"
    "    .ltorg\n"
    "    .endm\n"
    "    .macro EXIT_IMM n\n"
    "    movs r1, #\\n\n"
    "    EXIT_REG r1\n"
    "    .endm\n"
    "    .text\n";

/* Vector table: initial SP at the top of 16 KiB of RAM, reset vector 0 (the test patches it),
 * SVC (11), PendSV (14) and SysTick (15) handlers where the group defines them, else 0. */
static const char EPILOGUE[] =
    "    .ifndef svc_handler\n"
    "    .equ svc_handler, 0\n"
    "    .endif\n"
    "    .ifndef pendsv_handler\n"
    "    .equ pendsv_handler, 0\n"
    "    .endif\n"
    "    .ifndef systick_handler\n"
    "    .equ systick_handler, 0\n"
    "    .endif\n"
    "    .section .isr_vector, \"a\", %progbits\n"
    "    .word 0x20004000\n"
    "    .word 0\n"
    "    .word 0, 0, 0, 0, 0, 0, 0, 0, 0\n"
    "    .word svc_handler\n"
    "    .word 0, 0\n"
    "    .word pendsv_handler\n"
    "    .word systick_handler\n";

static const char LDSCRIPT[] =
    "MEMORY\n"
    "{\n"
    "    FLASH (rx) : ORIGIN = %s, LENGTH = 64K\n"
    "    RAM (rwx) : ORIGIN = 0x20000000, LENGTH = 16K\n"
    "}\n"
    "SECTIONS\n"
    "{\n"
    "    .isr_vector : { KEEP(*(.isr_vector)) } > FLASH\n"
    "    .text : { *(.text*) *(.rodata*) } > FLASH\n"
    "    .bss (NOLOAD) : { *(.bss*) *(COMMON) } > RAM\n"
    "}\n";

static int have_gcc(void)
{
    return asmfw_have_gcc("tests/sim/test_sim.c");
}

/* Assemble and link body (between PROLOGUE and EPILOGUE) with cpu flags (NULL-terminated)
 * and flash at flash_origin, into dir/name.elf; load it. NULL (with the assembler's output
 * printed) on failure. */
static sim_elf *build_fw(const char *dir, const char *name, const char *const *cpu,
                         const char *flash_origin, const char *body)
{
    char ldtext[1024];
    snprintf(ldtext, sizeof ldtext, LDSCRIPT, flash_origin);
    return asmfw_build(dir, name, cpu, PROLOGUE, body, EPILOGUE, ldtext);
}

/* A test group's firmware: its temporary directory and up to four builds. */
typedef struct {
    char dir[1024];
    sim_elf *elf[4];
} group;

static const char *const CPU_M4[] = {"-mcpu=cortex-m4", "-mfloat-abi=soft", NULL};
static const char *const CPU_M4F[] = {"-mcpu=cortex-m4", "-mfpu=fpv4-sp-d16",
                                      "-mfloat-abi=hard", NULL};
static const char *const CPU_M3[] = {"-mcpu=cortex-m3", "-mfloat-abi=soft", NULL};
static const char *const CPU_M7[] = {"-mcpu=cortex-m7", "-mfloat-abi=soft", NULL};
static const char *const CPU_M0P[] = {"-mcpu=cortex-m0plus", "-mfloat-abi=soft", NULL};

typedef struct {
    const char *name;
    const char *const *cpu;
    const char *origin;
    const char *body;
} build_spec;

/* Group set-up: builds n firmwares into a fresh temporary directory. *state stays NULL when
 * the compiler is missing (the tests skip); a build that fails fails the group. */
static int group_build(void **state, const build_spec *specs, int n)
{
    *state = NULL;
    if (!have_gcc())
        return 0;
    group *g = calloc(1, sizeof *g);
    if (!g)
        return -1;
    if (asmfw_mkdtemp(g->dir, sizeof g->dir, "tinysim-test-sim") < 0) {
        free(g);
        return -1;
    }
    for (int i = 0; i < n; i++) {
        g->elf[i] = build_fw(g->dir, specs[i].name, specs[i].cpu, specs[i].origin, specs[i].body);
        if (!g->elf[i]) {
            for (int j = 0; j < i; j++)
                sim_elf_free(g->elf[j]);
            asmfw_rm_tree(g->dir);
            free(g);
            return -1;
        }
    }
    *state = g;
    return 0;
}

static int group_teardown(void **state)
{
    group *g = *state;
    if (!g)
        return 0;
    for (int i = 0; i < 4; i++)
        sim_elf_free(g->elf[i]);
    if (getenv("TEST_SIM_KEEP")) /* debugging: keep the sources, ELFs and logs */
        fprintf(stderr, "kept %s\n", g->dir);
    else
        asmfw_rm_tree(g->dir);
    free(g);
    return 0;
}

static group *need_group(void **state)
{
    if (!*state)
        skip();
    return *state;
}

/* ====================================================================== running */

static uint32_t sym(const sim_elf *e, const char *name)
{
    const sim_symbol *s = sim_elf_symbol(e, name);
    if (!s)
        fail_msg("symbol %s not in %s", name, e->path);
    return s->addr & ~1u;
}

#define MAX_WARN 8

typedef struct {
    sim *s;
    const sim_elf *elf;
    sim_stop stop;
    sim_stats st;
    FILE *con;
    char *out;
    size_t out_len;
    int n_warn;
    char warn[MAX_WARN][512];
} run_t;

static void collect_warning(void *ud, const char *msg)
{
    run_t *r = ud;
    if (r->n_warn < MAX_WARN)
        snprintf(r->warn[r->n_warn], sizeof r->warn[0], "%s", msg);
    r->n_warn++;
}

/* The configuration every case starts from: console to memory, warnings collected, a
 * 10-second wall-clock safety net. */
static sim_config base_cfg(run_t *r)
{
    memset(r, 0, sizeof *r);
    r->con = open_memstream(&r->out, &r->out_len);
    assert_non_null(r->con);
    sim_config c;
    memset(&c, 0, sizeof c);
    c.console = r->con;
    c.accounting = 1;
    c.timeout_s = 10;
    c.on_warning = collect_warning;
    c.ud = r;
    return c;
}

/* sim_new on board with cfg, reset vector set to entry, sim_reset. */
static void start(run_t *r, const sim_elf *e, const char *board, const char *entry,
                  const sim_config *cfg)
{
    char *cause = NULL;
    const sim_board *b = sim_board_find(board);
    assert_non_null(b);
    r->elf = e;
    r->s = sim_new(b, e, cfg, &cause);
    if (!r->s)
        fail_msg("sim_new: %s", cause);
    uint32_t v = sym(e, entry) | 1u;
    assert_int_equal(sim_write_target(r->s, FLASH_BASE + 4, &v, 4), 0);
    if (sim_reset(r->s, &cause) < 0)
        fail_msg("sim_reset: %s", cause);
}

static void go(run_t *r)
{
    sim_run(r->s, &r->stop);
    sim_stats_get(r->s, &r->st);
    fflush(r->con);
}

static void finish(run_t *r)
{
    sim_free(r->s);
    r->s = NULL;
    fclose(r->con);
    free(r->out);
    r->out = NULL;
}

/* One whole run with the base configuration. */
static void run_entry(run_t *r, const sim_elf *e, const char *board, const char *entry)
{
    sim_config c = base_cfg(r);
    start(r, e, board, entry, &c);
    go(r);
}

static void expect_stop(const run_t *r, sim_stop_reason why)
{
    if (r->stop.reason != why)
        fail_msg("stopped with %s (%s: %s), expected %s", sim_stop_name(r->stop.reason),
                 sim_fault_name(r->stop.fault), r->stop.message, sim_stop_name(why));
}

static void expect_exit(const run_t *r, int status)
{
    expect_stop(r, SIM_STOP_EXIT);
    assert_int_equal(r->stop.exit_status, status);
}

static void expect_fault(const run_t *r, sim_fault_kind k)
{
    expect_stop(r, SIM_STOP_FAULT);
    if (r->stop.fault != k)
        fail_msg("fault %s (%s), expected %s", sim_fault_name(r->stop.fault), r->stop.message,
                 sim_fault_name(k));
}

static uint32_t rd32(run_t *r, uint32_t addr)
{
    uint32_t v = 0;
    assert_int_equal(sim_read_target(r->s, addr, &v, 4), 0);
    return v;
}

static void wr32(run_t *r, uint32_t addr, uint32_t v)
{
    assert_int_equal(sim_write_target(r->s, addr, &v, 4), 0);
}

/* Does hay contain needle, ignoring case? */
static int has_ci(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (; *hay; hay++)
        if (strncasecmp(hay, needle, n) == 0)
            return 1;
    return 0;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

#define L4 "nucleo-l4r5zi"
#define F2 "nucleo-f207zg"
#define G0 "nucleo-g0b1re"

/* ====================================================================== 1. semihosting */

static const char SEMI_SRC[] =
    /* WRITE0, WRITE to stdout and stderr, WRITEC; exit with the sum of WRITE's results (0) */
    "FUNC sh_console\n"
    "    ldr r1, =str_hello\n"
    "    movs r0, #4\n"
    "    bkpt 0xab\n"
    "    ldr r1, =write_blk\n"
    "    movs r0, #5\n"
    "    bkpt 0xab\n"
    "    mov r4, r0\n"
    "    ldr r1, =write_err_blk\n"
    "    movs r0, #5\n"
    "    bkpt 0xab\n"
    "    add r4, r4, r0\n"
    "    ldr r1, =chr_bang\n"
    "    movs r0, #3\n"
    "    bkpt 0xab\n"
    "    EXIT_REG r4\n"
    "FUNC sh_exit7\n"
    "    EXIT_IMM 7\n"
    "FUNC sh_exit_plain\n"
    "    ldr r1, =0x20026\n"
    "    movs r0, #0x18\n"
    "    bkpt 0xab\n"
    "    b .\n"
    "    .ltorg\n"
    "FUNC sh_exit_error\n"
    "    ldr r1, =0x20023\n"
    "    movs r0, #0x18\n"
    "    bkpt 0xab\n"
    "    b .\n"
    "    .ltorg\n"
    "FUNC sh_unknown\n"
    "    movs r1, #0\n"
    "    movs r0, #0x99\n"
    "LABEL sh_unknown_call\n"
    "    bkpt 0xab\n"
    "    EXIT_IMM 0\n"
    "FUNC sh_bad_write\n"
    "    ldr r1, =bad_write_blk\n"
    "    movs r0, #5\n"
    "LABEL sh_bad_write_call\n"
    "    bkpt 0xab\n"
    "    EXIT_IMM 0\n"
    /* SYS_OPEN of four names; r5 collects what happened (bits: ../ refused, absolute refused,
     * symlink refused, ok.txt opened, written, closed) */
    "FUNC sh_open\n"
    "    movs r5, #0\n"
    "    ldr r1, =open_dotdot\n"
    "    movs r0, #1\n"
    "    bkpt 0xab\n"
    "    adds r0, #1\n"
    "    bne 1f\n"
    "    orr r5, r5, #1\n"
    "1:  ldr r1, =open_abs\n"
    "    movs r0, #1\n"
    "    bkpt 0xab\n"
    "    adds r0, #1\n"
    "    bne 2f\n"
    "    orr r5, r5, #2\n"
    "2:  ldr r1, =open_link\n"
    "    movs r0, #1\n"
    "    bkpt 0xab\n"
    "    adds r0, #1\n"
    "    bne 3f\n"
    "    orr r5, r5, #4\n"
    "3:  ldr r1, =open_ok\n"
    "    movs r0, #1\n"
    "    bkpt 0xab\n"
    "    adds r6, r0, #1\n"
    "    beq 9f\n"
    "    mov r6, r0\n"
    "    orr r5, r5, #8\n"
    "    ldr r7, =0x20001000\n"
    "    str r6, [r7]\n"
    "    ldr r1, =file_text\n"
    "    str r1, [r7, #4]\n"
    "    ldr r1, =file_len\n"
    "    ldr r1, [r1]\n"
    "    str r1, [r7, #8]\n"
    "    mov r1, r7\n"
    "    movs r0, #5\n"
    "    bkpt 0xab\n"
    "    cmp r0, #0\n"
    "    bne 4f\n"
    "    orr r5, r5, #16\n"
    "4:  str r6, [r7]\n"
    "    mov r1, r7\n"
    "    movs r0, #2\n"
    "    bkpt 0xab\n"
    "    cmp r0, #0\n"
    "    bne 9f\n"
    "    orr r5, r5, #32\n"
    "9:  EXIT_REG r5\n"
    /* 300000 loop iterations, then TICKFREQ, ELAPSED and CLOCK into SCRATCH */
    "FUNC sh_time\n"
    "    ldr r4, =300000\n"
    "1:  subs r4, #1\n"
    "    bne 1b\n"
    "    ldr r5, =0x20001000\n"
    "    movs r0, #0x31\n"
    "    bkpt 0xab\n"
    "    str r0, [r5]\n"
    "    adds r1, r5, #4\n"
    "    movs r0, #0x30\n"
    "    bkpt 0xab\n"
    "    str r0, [r5, #12]\n"
    "    movs r0, #0x10\n"
    "    bkpt 0xab\n"
    "    str r0, [r5, #16]\n"
    "    EXIT_IMM 0\n"
    "    .balign 4\n"
    "write_blk: .word 1, str_world, 6\n"
    "write_err_blk: .word 2, str_err, 4\n"
    "bad_write_blk: .word 1, 0x70000000, 4\n"
    "open_dotdot: .word name_dotdot, 4, 10\n"
    "open_abs: .word name_abs, 0, 11\n"
    "open_link: .word name_link, 0, 8\n"
    "open_ok: .word name_ok, 4, 6\n"
    "file_len: .word file_text_end - file_text\n"
    "str_hello: .asciz \"hello, \"\n"
    "str_world: .ascii \"world\\n\"\n"
    "str_err: .ascii \"err\\n\"\n"
    "chr_bang: .ascii \"!\"\n"
    "name_dotdot: .asciz \"../esc.txt\"\n"
    "name_abs: .asciz \"/etc/passwd\"\n"
    "name_link: .asciz \"link.txt\"\n"
    "name_ok: .asciz \"ok.txt\"\n"
    "file_text: .ascii \"written by the firmware\\n\"\n"
    "file_text_end:\n";

static int semi_setup(void **state)
{
    const build_spec b[] = {{"semi", CPU_M4, "0x08000000", SEMI_SRC}};
    return group_build(state, b, 1);
}

static void test_semihost_console(void **state)
{
    group *g = need_group(state);
    run_t r;
    run_entry(&r, g->elf[0], L4, "sh_console");
    expect_exit(&r, 0);
    assert_int_equal(r.out_len, strlen("hello, world\nerr\n!"));
    assert_string_equal(r.out, "hello, world\nerr\n!");
    assert_int_equal(r.st.console_bytes, r.out_len);
    assert_int_equal(r.st.semihost_calls, 5);
    assert_true(r.st.insns > 10);
    assert_true(r.st.cycles >= r.st.insns);
    assert_int_equal(r.n_warn, 0);
    finish(&r);
}

static void test_semihost_exit(void **state)
{
    group *g = need_group(state);
    run_t r;
    run_entry(&r, g->elf[0], L4, "sh_exit7");
    expect_exit(&r, 7);
    assert_int_equal(r.stop.fault, SIM_FAULT_NONE);
    /* the run ends at the call: the firmware does not go on (into the `b .` after it) */
    assert_true(r.st.insns < 20);
    assert_true(r.st.wall_s < 1.0);
    finish(&r);

    run_entry(&r, g->elf[0], L4, "sh_exit_plain");
    expect_exit(&r, 0);
    finish(&r);

    /* SYS_EXIT with another reason code: status 1, and the message says which */
    run_entry(&r, g->elf[0], L4, "sh_exit_error");
    expect_exit(&r, 1);
    assert_non_null(strstr(r.stop.message, "0x20023"));
    finish(&r);
}

static void test_semihost_refused(void **state)
{
    group *g = need_group(state);
    run_t r;
    run_entry(&r, g->elf[0], L4, "sh_unknown");
    expect_fault(&r, SIM_FAULT_SEMIHOST);
    assert_non_null(strstr(r.stop.message, "unknown semihosting operation"));
    assert_non_null(strstr(r.stop.message, "0x99"));
    assert_int_equal(r.stop.pc, sym(r.elf, "sh_unknown_call"));
    finish(&r);

    /* A buffer in unmapped memory: refused with a fault, never read by the host */
    run_entry(&r, g->elf[0], L4, "sh_bad_write");
    expect_fault(&r, SIM_FAULT_SEMIHOST);
    assert_int_equal(r.stop.access_addr, 0x70000000u);
    assert_non_null(strstr(r.stop.message, "SYS_WRITE"));
    assert_int_equal(r.stop.pc, sym(r.elf, "sh_bad_write_call"));
    assert_int_equal(r.out_len, 0);
    finish(&r);
}

static int file_is(const char *path, const char *want)
{
    char buf[256];
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    return strcmp(buf, want) == 0;
}

static int any_warning(const run_t *r, const char *needle)
{
    for (int i = 0; i < r->n_warn && i < MAX_WARN; i++)
        if (has_ci(r->warn[i], needle))
            return 1;
    return 0;
}

static void test_semihost_files(void **state)
{
    group *g = need_group(state);
    char root[1200], path[1300];
    snprintf(root, sizeof root, "%s/root", g->dir);
    assert_int_equal(mkdir(root, 0755), 0);
    /* a symlink inside the root that leads out of it */
    snprintf(path, sizeof path, "%s/secret.txt", g->dir);
    assert_int_equal(asmfw_write_file(path, "secret\n", NULL, NULL), 0);
    snprintf(path, sizeof path, "%s/root/link.txt", g->dir);
    assert_int_equal(symlink("../secret.txt", path), 0);

    run_t r;
    sim_config c = base_cfg(&r);
    c.file_root = root;
    start(&r, g->elf[0], L4, "sh_open", &c);
    go(&r);
    /* ../esc.txt, /etc/passwd and the symlink refused (-1); ok.txt opened, written, closed */
    expect_exit(&r, 63);
    snprintf(path, sizeof path, "%s/root/ok.txt", g->dir);
    assert_true(file_is(path, "written by the firmware\n"));
    snprintf(path, sizeof path, "%s/esc.txt", g->dir);
    assert_int_equal(access(path, F_OK), -1);
    assert_true(any_warning(&r, "../esc.txt"));
    assert_true(any_warning(&r, "/etc/passwd"));
    finish(&r);

    /* No file_root: every file refused, ok.txt included */
    snprintf(path, sizeof path, "%s/root/ok.txt", g->dir);
    unlink(path);
    run_entry(&r, g->elf[0], L4, "sh_open");
    expect_exit(&r, 7);
    assert_int_equal(access(path, F_OK), -1);
    assert_true(any_warning(&r, "file access is off"));
    finish(&r);
}

static void test_semihost_time(void **state)
{
    group *g = need_group(state);
    run_t r;
    run_entry(&r, g->elf[0], L4, "sh_time");
    expect_exit(&r, 0);
    const sim_board *b = sim_board_find(L4);
    uint32_t freq = rd32(&r, SCRATCH);
    uint64_t elapsed = rd32(&r, SCRATCH + 4) | (uint64_t)rd32(&r, SCRATCH + 8) << 32;
    uint32_t el_ret = rd32(&r, SCRATCH + 12), clock_cs = rd32(&r, SCRATCH + 16);
    assert_int_equal(freq, b->clock_hz);
    assert_int_equal(el_ret, 0);
    /* ELAPSED: the modelled cycles when it was called: most of the run (the loop) */
    assert_true(elapsed > 600000);
    assert_true(elapsed <= r.st.cycles);
    assert_true(r.st.cycles - elapsed < 100);
    /* CLOCK: centiseconds of the same modelled time */
    assert_true(clock_cs >= elapsed * 100 / b->clock_hz);
    assert_true(clock_cs <= r.st.cycles * 100 / b->clock_hz);
    finish(&r);
}

/* ====================================================================== 9. accounting off */

static void test_accounting_off(void **state)
{
    group *g = need_group(state);
    run_t r;
    sim_config c = base_cfg(&r);
    c.accounting = 0;
    start(&r, g->elf[0], L4, "sh_console", &c);
    go(&r);
    expect_exit(&r, 0);
    assert_string_equal(r.out, "hello, world\nerr\n!");
    assert_int_equal(r.st.insns, 0);
    assert_int_equal(r.st.cycles, 0);
    assert_int_equal(r.st.blocks, 0);
    finish(&r);

    c = base_cfg(&r);
    c.accounting = 0;
    start(&r, g->elf[0], L4, "sh_exit7", &c);
    go(&r);
    expect_exit(&r, 7);
    assert_true(r.st.wall_s < 1.0); /* no block hook to stop a run that goes on */
    finish(&r);
}

/* ====================================================================== 2. faults */

static const char FAULT_SRC[] =
    "FUNC f_write\n"
    "    ldr r0, =0x70000000\n"
    "    movs r1, #1\n"
    "    adds r1, r1, #2\n"
    "    adds r2, r1, #3\n"
    "LABEL bad_store\n"
    "    str r1, [r0]\n"
    "    adds r2, r2, #1\n"
    "    adds r3, r2, #1\n"
    "    b .\n"
    "    .ltorg\n"
    "FUNC f_read\n"
    "    ldr r0, =0x70000010\n"
    "    movs r1, #1\n"
    "    adds r1, #1\n"
    "LABEL bad_load\n"
    "    ldr r1, [r0, #4]\n"
    "    adds r1, #1\n"
    "    b .\n"
    "    .ltorg\n"
    "FUNC f_flash\n"
    "    ldr r0, =0x08008000\n"
    "    movs r1, #5\n"
    "    adds r1, #1\n"
    "LABEL bad_flash\n"
    "    str r1, [r0]\n"
    "    adds r1, #1\n"
    "    b .\n"
    "    .ltorg\n"
    "FUNC f_udf\n"
    "    movs r0, #1\n"
    "    adds r0, #1\n"
    "LABEL bad_udf\n"
    "    udf #0\n"
    "    b .\n"
    "FUNC f_fetch\n"
    "    ldr r0, =0x70000001\n"
    "    movs r1, #1\n"
    "    bx r0\n"
    "    .ltorg\n"
    "FUNC f_bkpt\n"
    "    movs r0, #1\n"
    "LABEL bad_bkpt\n"
    "    bkpt #1\n"
    "    b .\n"
    /* console output, a loop, then a bad store: the fault is located by re-running */
    "FUNC f_after_io\n"
    "    ldr r1, =io_blk\n"
    "    movs r0, #5\n"
    "    bkpt 0xab\n"
    "    movs r4, #3\n"
    "1:  subs r4, #1\n"
    "    bne 1b\n"
    "    ldr r0, =0x70000004\n"
    "    movs r1, #9\n"
    "    movs r2, #8\n"
    "LABEL bad_store2\n"
    "    str r1, [r0, #4]\n"
    "    adds r2, #1\n"
    "    b .\n"
    "    .ltorg\n"
    "    .balign 4\n"
    "io_blk: .word 1, io_str, 3\n"
    "io_str: .ascii \"abc\"\n";

static int fault_setup(void **state)
{
    const build_spec b[] = {{"fault", CPU_M4, "0x08000000", FAULT_SRC}};
    return group_build(state, b, 1);
}

static void test_fault_write_exact(void **state)
{
    group *g = need_group(state);
    run_t r;
    run_entry(&r, g->elf[0], L4, "f_write");
    expect_fault(&r, SIM_FAULT_WRITE);
    uint32_t at = sym(r.elf, "bad_store");
    assert_true(at > sym(r.elf, "f_write")); /* in the middle of the entry block */
    assert_int_equal(r.stop.access_addr, 0x70000000u);
    assert_int_equal(r.stop.pc_exact, 1);
    assert_int_equal(r.stop.pc, at);
    assert_int_equal(r.stop.regs.r[15], at);
    /* the registers as the store saw them: the instructions after it did not run */
    assert_int_equal(r.stop.regs.r[0], 0x70000000u);
    assert_int_equal(r.stop.regs.r[1], 3);
    assert_int_equal(r.stop.regs.r[2], 6);
    assert_int_equal(r.stop.regs.r[3], 0);
    assert_non_null(strstr(r.stop.message, "0x70000000"));
    finish(&r);
}

static void test_fault_read_flash(void **state)
{
    group *g = need_group(state);
    run_t r;
    run_entry(&r, g->elf[0], L4, "f_read");
    expect_fault(&r, SIM_FAULT_READ);
    assert_int_equal(r.stop.access_addr, 0x70000014u);
    assert_int_equal(r.stop.pc_exact, 1);
    assert_int_equal(r.stop.pc, sym(r.elf, "bad_load"));
    finish(&r);

    run_entry(&r, g->elf[0], L4, "f_flash");
    expect_fault(&r, SIM_FAULT_WRITE_PROT);
    assert_int_equal(r.stop.access_addr, 0x08008000u);
    assert_int_equal(r.stop.pc_exact, 1);
    assert_int_equal(r.stop.pc, sym(r.elf, "bad_flash"));
    finish(&r);
}

static void test_fault_undef_fetch_bkpt(void **state)
{
    group *g = need_group(state);
    run_t r;
    run_entry(&r, g->elf[0], L4, "f_udf");
    expect_fault(&r, SIM_FAULT_UNDEF);
    assert_int_equal(r.stop.pc_exact, 1);
    assert_int_equal(r.stop.pc, sym(r.elf, "bad_udf"));
    finish(&r);

    run_entry(&r, g->elf[0], L4, "f_fetch");
    expect_fault(&r, SIM_FAULT_FETCH);
    assert_int_equal(r.stop.pc, 0x70000000u);
    assert_int_equal(r.stop.pc_exact, 1);
    assert_int_equal(r.stop.from_addr, sym(r.elf, "f_fetch"));
    finish(&r);

    run_entry(&r, g->elf[0], L4, "f_bkpt");
    expect_fault(&r, SIM_FAULT_BKPT);
    assert_int_equal(r.stop.pc_exact, 1);
    assert_int_equal(r.stop.pc, sym(r.elf, "bad_bkpt"));
    assert_non_null(strstr(r.stop.message, "BKPT #1"));
    finish(&r);
}

/* The re-run that locates a fault answers semihosting from its journal: the console output
 * appears once and the figures are those of the run. */
static void test_fault_after_io(void **state)
{
    group *g = need_group(state);
    run_t r;
    run_entry(&r, g->elf[0], L4, "f_after_io");
    expect_fault(&r, SIM_FAULT_WRITE);
    assert_int_equal(r.stop.access_addr, 0x70000008u);
    assert_int_equal(r.stop.pc_exact, 1);
    assert_int_equal(r.stop.pc, sym(r.elf, "bad_store2"));
    assert_int_equal(r.stop.regs.r[2], 8);
    assert_string_equal(r.out, "abc");
    assert_int_equal(r.st.console_bytes, 3);
    assert_int_equal(r.st.semihost_calls, 1);
    uint64_t cycles = r.st.cycles;
    finish(&r);

    /* The same after stopping at breakpoints (at the entry and at the store itself): the
     * re-run does not stop at them, and the fault is still located */
    sim_config c = base_cfg(&r);
    start(&r, g->elf[0], L4, "f_after_io", &c);
    uint32_t at = sym(r.elf, "bad_store2");
    assert_int_equal(sim_break_add(r.s, sym(r.elf, "f_after_io")), 0);
    assert_int_equal(sim_break_add(r.s, at), 0);
    go(&r);
    expect_stop(&r, SIM_STOP_BREAK);
    go(&r);
    expect_stop(&r, SIM_STOP_BREAK);
    assert_int_equal(r.stop.pc, at);
    go(&r);
    expect_fault(&r, SIM_FAULT_WRITE);
    assert_int_equal(r.stop.pc_exact, 1);
    assert_int_equal(r.stop.pc, at);
    assert_int_equal(r.stop.access_addr, 0x70000008u);
    assert_string_equal(r.out, "abc");
    assert_int_equal(r.st.cycles, cycles);
    finish(&r);
}

/* ====================================================================== 3-4. budgets, breaks */

static const char RUN_SRC[] =
    "FUNC b_spin\n"
    "LABEL spin_here\n"
    "    b spin_here\n"
    /* waits until the host writes a non-zero word at SCRATCH, exits with it */
    "FUNC b_wait\n"
    "    ldr r0, =0x20001000\n"
    "1:  ldr r1, [r0]\n"
    "    cmp r1, #0\n"
    "    beq 1b\n"
    "    EXIT_REG r1\n"
    /* polls SYS_CLOCK for ever */
    "FUNC b_poll\n"
    "1:  movs r0, #0x10\n"
    "    bkpt 0xab\n"
    "    b 1b\n"
    /* two calls of bp_func in a loop (r5 += 10 each), then r6 = 3: exit 23 */
    "FUNC bp_main\n"
    "    movs r4, #0\n"
    "    movs r5, #0\n"
    "LABEL bp_loop\n"
    "    adds r4, #1\n"
    "    bl bp_func\n"
    "    cmp r4, #2\n"
    "LABEL bp_bne\n"
    "    bne bp_loop\n"
    "    movs r6, #1\n"
    "LABEL bp_mid\n"
    "    adds r6, #1\n"
    "    adds r6, #1\n"
    "    add r0, r5, r6\n"
    "    EXIT_REG r0\n"
    "FUNC bp_func\n"
    "    adds r5, #10\n"
    "    bx lr\n";

static int run_setup(void **state)
{
    const build_spec b[] = {{"run", CPU_M4, "0x08000000", RUN_SRC}};
    return group_build(state, b, 1);
}

static void test_budget_cycles(void **state)
{
    group *g = need_group(state);
    run_t r;
    sim_config c = base_cfg(&r);
    c.max_cycles = 10000;
    start(&r, g->elf[0], L4, "b_spin", &c);
    go(&r);
    expect_stop(&r, SIM_STOP_CYCLES);
    /* stops before the block that would pass the budget: within one block of it */
    assert_true(r.st.cycles <= 10000);
    assert_true(r.st.cycles > 10000 - 16);
    assert_int_equal(r.stop.pc, sym(r.elf, "spin_here"));
    uint64_t cycles = r.st.cycles;
    /* The budget is for the whole run: resuming stops again at once, without running on */
    go(&r);
    expect_stop(&r, SIM_STOP_CYCLES);
    assert_int_equal(r.st.cycles, cycles);
    finish(&r);
}

static void test_budget_insns(void **state)
{
    group *g = need_group(state);
    run_t r;
    sim_config c = base_cfg(&r);
    c.max_insns = 5000;
    start(&r, g->elf[0], L4, "b_spin", &c);
    go(&r);
    expect_stop(&r, SIM_STOP_INSNS);
    assert_true(r.st.insns <= 5000);
    assert_true(r.st.insns > 5000 - 2);
    assert_int_equal(r.stop.pc, sym(r.elf, "spin_here"));
    finish(&r);
}

static void test_budget_timeout(void **state)
{
    group *g = need_group(state);
    run_t r;
    sim_config c = base_cfg(&r);
    c.timeout_s = 0.2;
    start(&r, g->elf[0], L4, "b_wait", &c);
    double t0 = now_s();
    go(&r);
    double t = now_s() - t0;
    expect_stop(&r, SIM_STOP_TIMEOUT);
    assert_true(t >= 0.15 && t < 2.0);
    assert_true(r.st.wall_s >= 0.15);
    /* the timeout is per sim_run: resuming continues from where it stopped */
    wr32(&r, SCRATCH, 9);
    go(&r);
    expect_exit(&r, 9);
    finish(&r);

    /* a loop of semihosting calls (each moves PC from a hook, which can make Unicorn drop
     * its timeout's stop); the instruction budget is only a safety net */
    c = base_cfg(&r);
    c.timeout_s = 0.2;
    c.max_insns = 100000000;
    start(&r, g->elf[0], L4, "b_poll", &c);
    t0 = now_s();
    go(&r);
    t = now_s() - t0;
    expect_stop(&r, SIM_STOP_TIMEOUT);
    assert_true(t < 1.0);
    assert_true(r.st.semihost_calls > 1000);
    finish(&r);
}

typedef struct {
    sim *s;
    atomic_int done;
} interrupter;

/* Interrupts every 5 ms until told to stop (an interrupt before sim_run starts is not kept,
 * so it keeps asking). */
static void *interrupt_thread(void *arg)
{
    interrupter *it = arg;
    struct timespec d = {0, 5 * 1000 * 1000};
    while (!atomic_load(&it->done)) {
        sim_interrupt(it->s);
        nanosleep(&d, NULL);
    }
    return NULL;
}

static void test_interrupt(void **state)
{
    group *g = need_group(state);
    run_t r;
    sim_config c = base_cfg(&r);
    c.timeout_s = 5;
    start(&r, g->elf[0], L4, "b_wait", &c);
    interrupter it = {r.s, 0};
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, interrupt_thread, &it), 0);
    double t0 = now_s();
    go(&r);
    double t = now_s() - t0;
    atomic_store(&it.done, 1);
    pthread_join(th, NULL);
    expect_stop(&r, SIM_STOP_INTERRUPT);
    assert_true(t < 2.0);
    /* resume: the firmware carries on and sees the word the host wrote meanwhile */
    wr32(&r, SCRATCH, 4);
    go(&r);
    expect_exit(&r, 4);
    finish(&r);
}

static void test_break_function(void **state)
{
    group *g = need_group(state);
    run_t r;
    /* the cycles of an undisturbed run, to compare with */
    run_entry(&r, g->elf[0], L4, "bp_main");
    expect_exit(&r, 23);
    uint64_t cycles = r.st.cycles, insns = r.st.insns;
    finish(&r);

    sim_config c = base_cfg(&r);
    start(&r, g->elf[0], L4, "bp_main", &c);
    uint32_t f = sym(r.elf, "bp_func");
    assert_int_equal(sim_break_add(r.s, f | 1u), 0); /* the Thumb bit is ignored */
    go(&r);
    expect_stop(&r, SIM_STOP_BREAK);
    assert_int_equal(r.stop.pc, f);
    assert_int_equal(r.stop.regs.r[15], f);
    assert_int_equal(r.stop.regs.r[4], 1);
    assert_int_equal(r.stop.regs.r[5], 0);
    go(&r); /* continues past it, to the next call */
    expect_stop(&r, SIM_STOP_BREAK);
    assert_int_equal(r.stop.pc, f);
    assert_int_equal(r.stop.regs.r[4], 2);
    assert_int_equal(r.stop.regs.r[5], 10);
    /* a breakpoint added now, inside code already run (and translated): still hit */
    uint32_t bne = sym(r.elf, "bp_bne");
    assert_int_equal(sim_break_add(r.s, bne), 0);
    go(&r);
    expect_stop(&r, SIM_STOP_BREAK);
    assert_int_equal(r.stop.pc, bne);
    assert_int_equal(r.stop.regs.r[5], 20);
    go(&r);
    expect_exit(&r, 23);
    /* stopping and resuming costs nothing in the model */
    assert_int_equal(r.st.cycles, cycles);
    assert_int_equal(r.st.insns, insns);
    finish(&r);
}

/* Breakpoints on instructions in the middle of a block (bp_mid always; bp_loop on the first
 * pass, where it is reached by falling through from the function's first instructions). */
static void test_break_mid_block(void **state)
{
    group *g = need_group(state);
    run_t r;
    run_entry(&r, g->elf[0], L4, "bp_main");
    expect_exit(&r, 23);
    uint64_t cycles = r.st.cycles, insns = r.st.insns;
    finish(&r);

    sim_config c = base_cfg(&r);
    start(&r, g->elf[0], L4, "bp_main", &c);
    uint32_t mid = sym(r.elf, "bp_mid"), loop = sym(r.elf, "bp_loop");
    assert_int_equal(sim_break_add(r.s, mid), 0);
    assert_int_equal(sim_break_add(r.s, loop), 0);
    go(&r);
    expect_stop(&r, SIM_STOP_BREAK);
    assert_int_equal(r.stop.pc, loop);
    assert_int_equal(r.stop.regs.r[4], 0);
    go(&r);
    expect_stop(&r, SIM_STOP_BREAK);
    assert_int_equal(r.stop.pc, loop);
    assert_int_equal(r.stop.regs.r[4], 1);
    go(&r);
    expect_stop(&r, SIM_STOP_BREAK);
    assert_int_equal(r.stop.pc, mid);
    assert_int_equal(r.stop.regs.r[6], 1);
    assert_int_equal(r.stop.regs.r[5], 20);
    go(&r);
    expect_exit(&r, 23);
    assert_int_equal(r.st.insns, insns);
    assert_int_equal(r.st.cycles, cycles);
    finish(&r);

    /* sim_break_clear: runs straight to the exit */
    c = base_cfg(&r);
    start(&r, g->elf[0], L4, "bp_main", &c);
    assert_int_equal(sim_break_add(r.s, mid), 0);
    sim_break_clear(r.s);
    go(&r);
    expect_exit(&r, 23);
    finish(&r);
}

/* ====================================================================== 5. exceptions */

static const char EXC_SRC[] =
    /* SysTick every 1000 cycles (CLKSOURCE=core, TICKINT, ENABLE); exit after 5 ticks */
    "FUNC x_systick\n"
    "    ldr r0, =0xE000E010\n"
    "    ldr r1, =999\n"
    "    str r1, [r0, #4]\n"
    "    movs r1, #0\n"
    "    str r1, [r0, #8]\n"
    "    movs r1, #7\n"
    "    str r1, [r0]\n"
    "    ldr r2, =0x20001000\n"
    "1:  ldr r1, [r2]\n"
    "    cmp r1, #5\n"
    "    blt 1b\n"
    "    movs r3, #0\n"
    "    str r3, [r0]\n"
    "    EXIT_REG r1\n"
    "FUNC systick_handler\n"
    "    ldr r0, =0x20001000\n"
    "    ldr r1, [r0]\n"
    "    adds r1, #1\n"
    "    str r1, [r0]\n"
    "    bx lr\n"
    "    .ltorg\n"
    /* SVC: the handler records the stacked return address, counts, clobbers r0 */
    "FUNC x_svc\n"
    "    movs r0, #42\n"
    "    svc #3\n"
    "LABEL after_svc\n"
    "    EXIT_REG r0\n"
    "FUNC svc_handler\n"
    "    ldr r1, [sp, #24]\n"
    "    ldr r2, =0x20001004\n"
    "    str r1, [r2]\n"
    "    ldr r1, [r2, #4]\n"
    "    adds r1, #1\n"
    "    str r1, [r2, #4]\n"
    "    movs r0, #0\n"
    "    bx lr\n"
    "    .ltorg\n"
    /* PendSV pended through ICSR, taken after the barrier */
    "FUNC x_pendsv\n"
    "    ldr r0, =0xE000ED04\n"
    "    ldr r1, =0x10000000\n"
    "    str r1, [r0]\n"
    "    dsb\n"
    "    isb\n"
    "    ldr r2, =0x20001010\n"
    "    ldr r1, [r2]\n"
    "    EXIT_REG r1\n"
    "FUNC pendsv_handler\n"
    "    ldr r0, =0x20001010\n"
    "    ldr r1, [r0]\n"
    "    adds r1, #1\n"
    "    str r1, [r0]\n"
    "    bx lr\n"
    "    .ltorg\n"
    /* WFI with SysTick every 10000 cycles: sleeps until the tick */
    "FUNC x_wfi\n"
    "    ldr r0, =0xE000E010\n"
    "    ldr r1, =9999\n"
    "    str r1, [r0, #4]\n"
    "    movs r1, #0\n"
    "    str r1, [r0, #8]\n"
    "    movs r1, #7\n"
    "    str r1, [r0]\n"
    "    wfi\n"
    "    movs r3, #0\n"
    "    str r3, [r0]\n"
    "    ldr r2, =0x20001000\n"
    "    ldr r1, [r2]\n"
    "    EXIT_REG r1\n"
    "FUNC x_wfi_hang\n"
    "    movs r0, #1\n"
    "LABEL hang_wfi\n"
    "    wfi\n"
    "    EXIT_IMM 0\n"
    "FUNC x_reset\n"
    "    ldr r0, =0xE000ED0C\n"
    "    ldr r1, =0x05FA0004\n"
    "    str r1, [r0]\n"
    "    dsb\n"
    "    isb\n"
    "    EXIT_IMM 0\n"
    /* SysTick wraps while PRIMASK masks it: pended once, taken after CPSIE (the simulator
     * re-checks masking every 64 cycles: a short loop gives it the time).
     * Exit status: ticks seen while masked * 16 + ticks after unmasking */
    "FUNC x_primask\n"
    "    cpsid i\n"
    "    ldr r0, =0xE000E010\n"
    "    ldr r1, =999\n"
    "    str r1, [r0, #4]\n"
    "    movs r1, #0\n"
    "    str r1, [r0, #8]\n"
    "    movs r1, #7\n"
    "    str r1, [r0]\n"
    "    ldr r4, =2000\n"
    "1:  subs r4, #1\n"
    "    bne 1b\n"
    "    ldr r2, =0x20001000\n"
    "    ldr r5, [r2]\n"
    "    movs r1, #0\n"
    "    str r1, [r0]\n"
    "    cpsie i\n"
    "    isb\n"
    "    movs r4, #50\n"
    "2:  subs r4, #1\n"
    "    bne 2b\n"
    "    ldr r6, [r2]\n"
    "    lsls r5, r5, #4\n"
    "    add r5, r5, r6\n"
    "    EXIT_REG r5\n";

static int exc_setup(void **state)
{
    const build_spec b[] = {{"exc", CPU_M4, "0x08000000", EXC_SRC}};
    return group_build(state, b, 1);
}

static void test_exc_systick(void **state)
{
    group *g = need_group(state);
    run_t r;
    run_entry(&r, g->elf[0], L4, "x_systick");
    expect_exit(&r, 5);
    assert_int_equal(r.st.exceptions, 5);
    /* five periods of 1000 cycles, and not a sixth */
    assert_true(r.st.cycles >= 5000);
    assert_true(r.st.cycles < 6000);
    assert_int_equal(r.st.sleep_cycles, 0);
    finish(&r);
}

static void test_exc_svc_pendsv(void **state)
{
    group *g = need_group(state);
    run_t r;
    run_entry(&r, g->elf[0], L4, "x_svc");
    expect_exit(&r, 42); /* r0 restored from the frame */
    assert_int_equal(rd32(&r, SCRATCH + 4), sym(r.elf, "after_svc"));
    assert_int_equal(rd32(&r, SCRATCH + 8), 1);
    assert_int_equal(r.st.exceptions, 1);
    finish(&r);

    run_entry(&r, g->elf[0], L4, "x_pendsv");
    expect_exit(&r, 1);
    assert_int_equal(r.st.exceptions, 1);
    finish(&r);

    run_entry(&r, g->elf[0], L4, "x_primask");
    expect_exit(&r, 1); /* none while masked, one after */
    assert_int_equal(r.st.exceptions, 1);
    finish(&r);
}

static void test_exc_wfi(void **state)
{
    group *g = need_group(state);
    run_t r;
    run_entry(&r, g->elf[0], L4, "x_wfi");
    expect_exit(&r, 1);
    assert_int_equal(r.st.exceptions, 1);
    assert_true(r.st.sleep_cycles > 9000);
    assert_true(r.st.sleep_cycles <= 10000);
    assert_true(r.st.cycles > 10000);
    assert_true(r.st.cycles < 10000 + 200);
    finish(&r);

    run_entry(&r, g->elf[0], L4, "x_wfi_hang");
    expect_stop(&r, SIM_STOP_HANG);
    assert_non_null(strstr(r.stop.message, "WFI"));
    assert_int_equal(r.st.sleep_cycles, 0);
    finish(&r);

    run_entry(&r, g->elf[0], L4, "x_reset");
    expect_stop(&r, SIM_STOP_HANG);
    assert_non_null(strstr(r.stop.message, "reset"));
    assert_non_null(strstr(r.stop.message, "SYSRESETREQ"));
    finish(&r);
}

/* ====================================================================== 6. PPB */

static const char PPB_SRC[] =
    "FUNC p_cpuid\n"
    "    ldr r0, =0xE000ED00\n"
    "    ldr r1, [r0]\n"
    "    ldr r2, =0x20001000\n"
    "    str r1, [r2]\n"
    "    EXIT_IMM 0\n"
    /* CYCCNT before DEMCR.TRCENA and DWT_CTRL.CYCCNTENA enable it (to SCRATCH), then around
     * 10 ADDs (SCRATCH+4, +8) and around 20 ADDs (SCRATCH+12, +16). A read sees the count at
     * the end of its block (sim/ppb.c), so each read ends a block: the stretch between two
     * reads is the block of the ADDs, the second read and the branch. */
    "FUNC p_dwt\n"
    "    ldr r0, =0xE0001000\n"
    "    ldr r2, =0x20001000\n"
    "    ldr r3, [r0, #4]\n"
    "    str r3, [r2]\n"
    "    ldr r1, =0xE000EDFC\n"
    "    ldr r3, [r1]\n"
    "    orr r3, r3, #0x01000000\n"
    "    str r3, [r1]\n"
    "    ldr r3, [r0]\n"
    "    orr r3, r3, #1\n"
    "    str r3, [r0]\n"
    "    ldr r4, [r0, #4]\n"
    "    b 1f\n"
    "1:\n"
    "LABEL dwt_a0\n"
    "    adds r5, r5, #1\n"
    "    adds r5, r5, #1\n"
    "    adds r5, r5, #1\n"
    "    adds r5, r5, #1\n"
    "    adds r5, r5, #1\n"
    "    adds r5, r5, #1\n"
    "    adds r5, r5, #1\n"
    "    adds r5, r5, #1\n"
    "    adds r5, r5, #1\n"
    "    adds r5, r5, #1\n"
    "    ldr r6, [r0, #4]\n"
    "    b 2f\n"
    "2:\n"
    "LABEL dwt_a1\n"
    "    str r4, [r2, #4]\n"
    "    str r6, [r2, #8]\n"
    "    ldr r4, [r0, #4]\n"
    "    b 3f\n"
    "3:\n"
    "    adds r5, r5, #1\n"
    "    adds r5, r5, #1\n"
    "    adds r5, r5, #1\n"
    "    adds r5, r5, #1\n"
    "    adds r5, r5, #1\n"
    "    adds r5, r5, #1\n"
    "    adds r5, r5, #1\n"
    "    adds r5, r5, #1\n"
    "    adds r5, r5, #1\n"
    "    adds r5, r5, #1\n"
    "    adds r5, r5, #1\n"
    "    adds r5, r5, #1\n"
    "    adds r5, r5, #1\n"
    "    adds r5, r5, #1\n"
    "    adds r5, r5, #1\n"
    "    adds r5, r5, #1\n"
    "    adds r5, r5, #1\n"
    "    adds r5, r5, #1\n"
    "    adds r5, r5, #1\n"
    "    adds r5, r5, #1\n"
    "    ldr r6, [r0, #4]\n"
    "    b 4f\n"
    "4:\n"
    "    str r4, [r2, #12]\n"
    "    str r6, [r2, #16]\n"
    "    EXIT_IMM 0\n"
    /* ITM stimulus port 0: bytes, a halfword, a word; port 1 is not the console */
    "FUNC p_itm\n"
    "    ldr r0, =0xE0000000\n"
    "    movs r1, #'I'\n"
    "    strb r1, [r0]\n"
    "    movs r1, #'X'\n"
    "    strb r1, [r0, #4]\n"
    "    movs r1, #'T'\n"
    "    strb r1, [r0]\n"
    "    ldr r1, =0x0a4d\n"
    "    strh r1, [r0]\n"
    "    ldr r1, =0x21636261\n"
    "    str r1, [r0]\n"
    "    EXIT_IMM 0\n";

static int ppb_setup(void **state)
{
    /* built for the Cortex-M3 (ARMv7-M): runs on the M3 and on the M4F board */
    const build_spec b[] = {{"ppb", CPU_M3, "0x08000000", PPB_SRC}};
    return group_build(state, b, 1);
}

static void test_ppb_cpuid(void **state)
{
    group *g = need_group(state);
    run_t r;
    run_entry(&r, g->elf[0], L4, "p_cpuid");
    expect_exit(&r, 0);
    assert_int_equal(rd32(&r, SCRATCH), 0x410FC241u);
    finish(&r);

    run_entry(&r, g->elf[0], F2, "p_cpuid");
    expect_exit(&r, 0);
    assert_int_equal(rd32(&r, SCRATCH), 0x412FC231u);
    finish(&r);
}

static void test_ppb_cyccnt(void **state)
{
    group *g = need_group(state);
    run_t r;
    run_entry(&r, g->elf[0], L4, "p_dwt");
    expect_exit(&r, 0);
    assert_int_equal(rd32(&r, SCRATCH), 0); /* not counting before it is enabled */
    uint32_t a0 = rd32(&r, SCRATCH + 4), a1 = rd32(&r, SCRATCH + 8);
    uint32_t b0 = rd32(&r, SCRATCH + 12), b1 = rd32(&r, SCRATCH + 16);
    uint32_t da = a1 - a0, db = b1 - b0;
    assert_true(a0 < 100); /* counts from 0 when enabled */
    /* ten more single-cycle ADDs, ten more cycles, plus the flash wait states of the
     * instruction-cache lines they occupy the first time they run (5 WS on this board) */
    assert_true(db - da >= 10 && db - da <= 10 + 3 * 5);
    /* the ADDs, the LDR (2 cycles) and the taken branch (1 + a 1-3 cycle refill), plus
     * the wait states of at most a few cache misses (the exact count is sim/memtime.c's) */
    assert_true(da >= 10 + 2 + 2 && da <= 10 + 2 + 4 + 4 * 5);
    finish(&r);

    /* the same stretch measured by the simulator: breakpoints at its two ends */
    sim_config c = base_cfg(&r);
    start(&r, g->elf[0], L4, "p_dwt", &c);
    assert_int_equal(sim_break_add(r.s, sym(r.elf, "dwt_a0")), 0);
    assert_int_equal(sim_break_add(r.s, sym(r.elf, "dwt_a1")), 0);
    go(&r);
    expect_stop(&r, SIM_STOP_BREAK);
    uint64_t c0 = r.st.cycles;
    go(&r);
    expect_stop(&r, SIM_STOP_BREAK);
    uint64_t c1 = r.st.cycles;
    go(&r);
    expect_exit(&r, 0);
    assert_int_equal(c1 - c0, da);
    assert_int_equal(rd32(&r, SCRATCH + 8) - rd32(&r, SCRATCH + 4), da);
    finish(&r);
}

static void test_ppb_itm(void **state)
{
    group *g = need_group(state);
    run_t r;
    run_entry(&r, g->elf[0], L4, "p_itm");
    expect_exit(&r, 0);
    assert_int_equal(r.out_len, 8);
    assert_memory_equal(r.out, "ITM\nabc!", 8);
    finish(&r);
}

/* ====================================================================== 7. warnings */

static const char VFP_SRC[] =
    /* 3.0 + 4.0 with the FPU disabled (CPACR at reset): exit (int)7 */
    "FUNC w_vfp_off\n"
    "    movs r0, #3\n"
    "    movs r1, #4\n"
    "    vmov s0, r0\n"
    "    vmov s1, r1\n"
    "    vcvt.f32.s32 s0, s0\n"
    "    vcvt.f32.s32 s1, s1\n"
    "    vadd.f32 s2, s0, s1\n"
    "    vcvt.s32.f32 s2, s2\n"
    "    vmov r0, s2\n"
    "    EXIT_REG r0\n"
    /* the same after CPACR enables CP10 and CP11 */
    "FUNC w_vfp_on\n"
    "    ldr r0, =0xE000ED88\n"
    "    ldr r1, [r0]\n"
    "    orr r1, r1, #0x00F00000\n"
    "    str r1, [r0]\n"
    "    dsb\n"
    "    isb\n"
    "    movs r0, #3\n"
    "    movs r1, #4\n"
    "    vmov s0, r0\n"
    "    vmov s1, r1\n"
    "    vcvt.f32.s32 s0, s0\n"
    "    vcvt.f32.s32 s1, s1\n"
    "    vadd.f32 s2, s0, s1\n"
    "    vcvt.s32.f32 s2, s2\n"
    "    vmov r0, s2\n"
    "    EXIT_REG r0\n";

static const char SMLAD_SRC[] =
    /* SMLAD r0, r1, r2, r3 (2*4 + 3*5 + 1 = 24) written as its encoding, so the object
     * stays ARMv7-M (Cortex-M3) */
    "FUNC w_smlad\n"
    "    ldr r1, =0x00030002\n"
    "    ldr r2, =0x00050004\n"
    "    movs r3, #1\n"
    "    b 1f\n"
    "1:\n"
    "LABEL smlad_insn\n"
    "    .inst.w 0xfb213002\n"
    "    EXIT_REG r0\n";

static int warn_setup(void **state)
{
    const build_spec b[] = {{"vfp", CPU_M4F, "0x08000000", VFP_SRC},
                            {"smlad", CPU_M3, "0x08000000", SMLAD_SRC}};
    return group_build(state, b, 2);
}

static void test_warn_fpu_cpacr(void **state)
{
    group *g = need_group(state);
    run_t r;
    run_entry(&r, g->elf[0], L4, "w_vfp_off");
    expect_exit(&r, 7);
    assert_int_equal(r.n_warn, 1);
    assert_non_null(strstr(r.warn[0], "CPACR"));
    finish(&r);

    run_entry(&r, g->elf[0], L4, "w_vfp_on");
    expect_exit(&r, 7);
    if (r.n_warn)
        fail_msg("unexpected warning: %s", r.warn[0]);
    finish(&r);
}

static void test_warn_dsp_m3(void **state)
{
    group *g = need_group(state);
    run_t r;
    run_entry(&r, g->elf[1], F2, "w_smlad");
    assert_int_equal(r.n_warn, 1);
    assert_true(has_ci(r.warn[0], "smlad"));
    assert_non_null(strstr(r.warn[0], "Cortex-M3"));
    char addr[16];
    snprintf(addr, sizeof addr, "0x%08x", sym(r.elf, "smlad_insn"));
    assert_non_null(strstr(r.warn[0], addr));
    expect_exit(&r, 24);
    finish(&r);

    /* the same firmware on the Cortex-M4F: no warning */
    run_entry(&r, g->elf[1], L4, "w_smlad");
    expect_exit(&r, 24);
    assert_int_equal(r.n_warn, 0);
    finish(&r);
}

/* ====================================================================== 8. architecture */

static const char ARCH_SRC[] =
    "FUNC a_main\n"
    "    ldr r0, =0xE000ED00\n"
    "    ldr r1, [r0]\n"
    "    ldr r2, =0x20001000\n"
    "    str r1, [r2]\n"
    "    EXIT_IMM 3\n";

static int arch_setup(void **state)
{
    const build_spec b[] = {{"m7", CPU_M7, "0x08000000", ARCH_SRC},
                            {"high", CPU_M4, "0x30000000", ARCH_SRC},
                            {"m0p", CPU_M0P, "0x08000000", ARCH_SRC}};
    return group_build(state, b, 3);
}

static void test_arch_refused(void **state)
{
    group *g = need_group(state);
    sim_config c;
    char *cause = NULL;
    memset(&c, 0, sizeof c);
    c.accounting = 1;

    /* ARMv7E-M code on the Cortex-M0+ */
    assert_null(sim_new(sim_board_find(G0), g->elf[0], &c, &cause));
    assert_non_null(cause);
    assert_non_null(strstr(cause, "v7E-M"));
    assert_non_null(strstr(cause, "Cortex-M0+"));
    free(cause);
    cause = NULL;

    /* linked at 0x30000000: outside the board's memory */
    assert_null(sim_new(sim_board_find(L4), g->elf[1], &c, &cause));
    assert_non_null(cause);
    assert_non_null(strstr(cause, "outside"));
    assert_non_null(strstr(cause, "0x30000000"));
    free(cause);
}

static void test_arch_accepted(void **state)
{
    group *g = need_group(state);
    run_t r;
    /* v6-M code runs on the Cortex-M0+ and on the Cortex-M4F */
    run_entry(&r, g->elf[2], G0, "a_main");
    expect_exit(&r, 3);
    assert_int_equal(rd32(&r, SCRATCH), 0x410CC601u);
    finish(&r);
    run_entry(&r, g->elf[2], L4, "a_main");
    expect_exit(&r, 3);
    finish(&r);
    /* the M7 build on the M4F (both ARMv7E-M) */
    run_entry(&r, g->elf[0], L4, "a_main");
    expect_exit(&r, 3);
    finish(&r);
}


/* ====================================================================== 8. trust (issue 12) */

/* RAM code at 0x20002000 (CODE): version A and B of one function, the same size and layout
 * (a 100-iteration loop, then r0 = 1 or 2), B's loop body a load (2 cycles on the M4) where
 * A's is a NOP. CYCCNT deltas around calls go to SCRATCH. */
static const char TRUST_SRC[] =
    "    .equ CODE, 0x20002000\n"
    "    .equ CYCCNT, 0xE0001004\n"
    /* SP: a push, a SUB sp, then SP from a register 200 bytes lower, back up, exit */
    "FUNC t_sp\n"
    "    push {r4-r7, lr}\n"
    "    sub sp, #64\n"
    "    mov r0, sp\n"
    "    subs r0, #200\n"
    "    mov sp, r0\n"
    "    b 1f\n"
    "1:  add sp, #200\n"
    "    add sp, #64\n"
    "    pop {r4-r7}\n"
    "    EXIT_IMM 0\n"
    /* a stretch of straight-line code with pairing and load-use rules, in a loop */
    "FUNC t_mix\n"
    "    movs r4, #50\n"
    "    ldr r5, =0x20001100\n"
    "1:  ldr r0, [r5]\n"
    "    adds r1, r0, #1\n"
    "    muls r1, r1, r1\n"
    "    ldr r2, [r5, #4]\n"
    "    add r3, r2, r1, lsl #2\n"
    "    str r3, [r5, #8]\n"
    "    mla r0, r1, r2, r3\n"
    "    subs r4, #1\n"
    "    bne 1b\n"
    "    EXIT_IMM 7\n"
    /* copy n halfwords from r1 to CODE, barriers, call it: r0 the result, CYCCNT delta in r2 */
    "FUNC copy_call\n"
    "    push {r4, r5, lr}\n"
    "    ldr r3, =CODE\n"
    "2:  ldrh r4, [r1], #2\n"
    "    strh r4, [r3], #2\n"
    "    subs r0, #1\n"
    "    bne 2b\n"
    "    dsb\n"
    "    isb\n"
    "    ldr r4, =CYCCNT\n"
    "    ldr r5, [r4]\n"
    "    ldr r3, =CODE+1\n"
    "    blx r3\n"
    "    ldr r2, [r4]\n"
    "    subs r2, r2, r5\n"
    "    pop {r4, r5, pc}\n"
    "    .ltorg\n"
    "FUNC cyc_on\n"
    "    ldr r0, =0xE000EDFC\n"
    "    ldr r1, =0x01000000\n"
    "    str r1, [r0]\n"
    "    ldr r0, =0xE0001000\n"
    "    movs r1, #1\n"
    "    str r1, [r0]\n"
    "    bx lr\n"
    "    .ltorg\n"
    /* A then B over it: SCRATCH+0 A's result, +4 A's delta, +8 B's result, +12 B's delta */
    "FUNC t_smc\n"
    "    bl cyc_on\n"
    "    ldr r6, =0x20001000\n"
    "    movs r0, #7\n"
    "    ldr r1, =code_a\n"
    "    bl copy_call\n"
    "    str r0, [r6]\n"
    "    str r2, [r6, #4]\n"
    "    movs r0, #7\n"
    "    ldr r1, =code_b\n"
    "    bl copy_call\n"
    "    str r0, [r6, #8]\n"
    "    str r2, [r6, #12]\n"
    "    EXIT_IMM 0\n"
    /* B twice (the caller's flash lines cached as in t_smc): SCRATCH+8, +12 the second */
    "FUNC t_fresh\n"
    "    bl cyc_on\n"
    "    ldr r6, =0x20001000\n"
    "    movs r0, #7\n"
    "    ldr r1, =code_b\n"
    "    bl copy_call\n"
    "    movs r0, #7\n"
    "    ldr r1, =code_b\n"
    "    bl copy_call\n"
    "    str r0, [r6, #8]\n"
    "    str r2, [r6, #12]\n"
    "    EXIT_IMM 0\n"
    /* A, then SYS_READ of 14 bytes from stdin over it, then call it again: r0s to SCRATCH */
    "FUNC t_shread\n"
    "    ldr r6, =0x20001000\n"
    "    movs r0, #7\n"
    "    ldr r1, =code_a\n"
    "    bl copy_call\n"
    "    str r0, [r6]\n"
    "    ldr r1, =read_blk\n"
    "    movs r0, #6\n"
    "    bkpt 0xab\n"
    "    str r0, [r6, #4]\n"
    "    ldr r3, =CODE+1\n"
    "    blx r3\n"
    "    str r0, [r6, #8]\n"
    "    EXIT_IMM 0\n"
    /* rewrite and call RAM code forever: movs r0, #k with k = 0, 1, 2, ... */
    "FUNC t_churn\n"
    "    ldr r3, =CODE\n"
    "    ldr r1, =0x4770\n"
    "    strh r1, [r3, #2]\n"
    "    movs r5, #0\n"
    "3:  ldr r1, =0x2000\n"
    "    uxtb r2, r5\n"
    "    orrs r1, r2\n"
    "    strh r1, [r3]\n"
    "    dsb\n"
    "    isb\n"
    "    ldr r2, =CODE+1\n"
    "    blx r2\n"
    "    adds r5, #1\n"
    "    b 3b\n"
    "    .ltorg\n"
    /* an exception taken with SP in flash */
    "FUNC t_frame\n"
    "    ldr r0, =0x08002000\n"
    "    mov sp, r0\n"
    "    svc #0\n"
    "    EXIT_IMM 9\n"
    /* a branch to an EXC_RETURN value in thread mode, and to the vendor system region */
    "FUNC t_excret\n"
    "    ldr r0, =0xFFFFFFF9\n"
    "    bx r0\n"
    "FUNC t_vendor\n"
    "    ldr r0, =0xE0200001\n"
    "    bx r0\n"
    "    .ltorg\n"
    /* an exception with VTOR at unmapped memory */
    "FUNC t_vtor\n"
    "    ldr r0, =0xE000ED08\n"
    "    ldr r1, =0x60000000\n"
    "    str r1, [r0]\n"
    "    svc #0\n"
    "    EXIT_IMM 9\n"
    /* PendSV pended while PRIMASK masks it, a loop, then CPSIE inside a longer block: the
     * handler counts in r8; exit with the count */
    "FUNC t_mask\n"
    "    movs r0, #0\n"
    "    mov r8, r0\n"
    "    cpsid i\n"
    "    ldr r0, =0xE000ED04\n"
    "    ldr r1, =0x10000000\n"
    "    str r1, [r0]\n"
    "    movs r4, #40\n"
    "1:  subs r4, #1\n"
    "    bne 1b\n"
    "    cpsie i\n"
    "    adds r5, r4, #3\n"
    "    adds r6, r5, #4\n"
    "    movs r4, #10\n"
    "2:  subs r4, #1\n"
    "    bne 2b\n"
    "    EXIT_REG r8\n"
    "FUNC pendsv_handler\n"
    "    mov r0, r8\n"
    "    adds r0, #1\n"
    "    mov r8, r0\n"
    "    bx lr\n"
    "FUNC svc_handler\n"
    "    EXIT_IMM 3\n"
    "    .balign 4\n"
    "read_blk: .word 0, CODE, 14\n"
    "code_a: .hword 0x2164, 0x3901, 0xbf00, 0xd1fc, 0x2001, 0x4770, 0xbf00\n"
    "code_b: .hword 0x2164, 0x3901, 0x9a00, 0xd1fc, 0x2002, 0x4770, 0xbf00\n";

static int trust_setup(void **state)
{
    const build_spec b[] = {{"trust", CPU_M4, "0x08000000", TRUST_SRC},
                            {"trust7", CPU_M7, "0x08000000", TRUST_SRC}};
    return group_build(state, b, 2);
}

/* SP is tracked without writing guest memory: a PUSH, a SUB sp and an SP set from a
 * register, the lowest 284 bytes below the reset SP. */
static void test_sp_low(void **state)
{
    group *g = need_group(state);
    run_t r;
    sim_config c = base_cfg(&r);
    start(&r, g->elf[0], L4, "t_sp", &c);
    sim_sp_low_set(r.s, 0x20004000u);
    go(&r);
    expect_exit(&r, 0);
    assert_int_equal(sim_sp_low(r.s), 0x20004000u - 20 - 64 - 200);
    finish(&r);
}

/* sim_step n instructions at a time until the run stops for another reason. */
static void step_to_end(run_t *r, uint64_t n)
{
    int steps = 0;
    do {
        sim_step(r->s, n, &r->stop);
        steps++;
    } while (r->stop.reason == SIM_STOP_PAUSE && steps < 100000);
    sim_stats_get(r->s, &r->st);
}

/* Stepping through a program one instruction at a time, or stopping inside blocks at a
 * breakpoint, costs exactly what the uninterrupted run costs (M4 and the M7's pairing). */
static void test_step_exact(void **state)
{
    group *g = need_group(state);
    const char *boards[2] = {L4, "nucleo-f746zg"};
    for (int k = 0; k < 2; k++) {
        run_t r;
        run_entry(&r, g->elf[k], boards[k], "t_mix");
        expect_exit(&r, 7);
        uint64_t cycles = r.st.cycles, insns = r.st.insns;
        finish(&r);
        for (uint64_t n = 1; n <= 3; n++) {
            sim_config c = base_cfg(&r);
            start(&r, g->elf[k], boards[k], "t_mix", &c);
            step_to_end(&r, n);
            expect_exit(&r, 7);
            assert_int_equal(r.st.insns, insns);
            assert_int_equal(r.st.cycles, cycles);
            finish(&r);
        }
    }
}

/* A masked pending exception is taken at the same point whether the run is stepped or not
 * (it used to be re-checked every 64 cycles, and at every block while stepping). */
static void test_step_masked(void **state)
{
    group *g = need_group(state);
    run_t r;
    run_entry(&r, g->elf[0], L4, "t_mask");
    expect_exit(&r, 1);
    uint64_t cycles = r.st.cycles, insns = r.st.insns;
    finish(&r);
    sim_config c = base_cfg(&r);
    start(&r, g->elf[0], L4, "t_mask", &c);
    step_to_end(&r, 1);
    expect_exit(&r, 1);
    assert_int_equal(r.st.insns, insns);
    assert_int_equal(r.st.cycles, cycles);
    finish(&r);
}

/* One stepi does not cost a gigabyte: Unicorn 2.0.1's whole translation flush did. */
static void test_step_memory(void **state)
{
    group *g = need_group(state);
    run_t r;
    struct rusage u0, u1;
    sim_config c = base_cfg(&r);
    start(&r, g->elf[0], L4, "t_mix", &c);
    getrusage(RUSAGE_SELF, &u0);
    sim_step(r.s, 1, &r.stop);
    sim_step(r.s, 1, &r.stop);
    getrusage(RUSAGE_SELF, &u1);
    expect_stop(&r, SIM_STOP_PAUSE);
    if (u1.ru_maxrss - u0.ru_maxrss > 200 * 1024)
        fail_msg("two stepi grew the peak RSS by %ld KiB", u1.ru_maxrss - u0.ru_maxrss);
    finish(&r);
}

/* Code rewritten in place costs what the new code costs (the cost cache notices), and a
 * semihosting read into code that ran is executed as the new code. */
static void test_smc(void **state)
{
    group *g = need_group(state);
    run_t r;
    run_entry(&r, g->elf[0], L4, "t_fresh");
    expect_exit(&r, 0);
    uint32_t fresh = rd32(&r, SCRATCH + 12);
    assert_int_equal(rd32(&r, SCRATCH + 8), 2);
    finish(&r);
    run_entry(&r, g->elf[0], L4, "t_smc");
    expect_exit(&r, 0);
    assert_int_equal(rd32(&r, SCRATCH), 1);
    assert_int_equal(rd32(&r, SCRATCH + 8), 2);
    uint32_t a = rd32(&r, SCRATCH + 4), b = rd32(&r, SCRATCH + 12);
    assert_true(b > a + 50); /* 100 loads of 2 cycles where A has 100 NOPs */
    assert_int_equal(b, fresh);
    finish(&r);

    static const uint16_t code_b[7] = {0x2164, 0x3901, 0x9a00, 0xd1fc, 0x2002, 0x4770, 0xbf00};
    sim_config c = base_cfg(&r);
    c.console_in = fmemopen((void *)(uintptr_t)code_b, sizeof code_b, "r");
    assert_non_null(c.console_in);
    start(&r, g->elf[0], L4, "t_shread", &c);
    go(&r);
    expect_exit(&r, 0);
    assert_int_equal(rd32(&r, SCRATCH), 1);
    assert_int_equal(rd32(&r, SCRATCH + 4), 0); /* SYS_READ: all 14 bytes read */
    assert_int_equal(rd32(&r, SCRATCH + 8), 2);
    fclose(c.console_in);
    finish(&r);
}

/* Firmware that rewrites code forever is stopped with a message, bounded. */
static void test_smc_churn(void **state)
{
    group *g = need_group(state);
    run_t r;
    run_entry(&r, g->elf[0], L4, "t_churn");
    expect_stop(&r, SIM_STOP_HANG);
    assert_true(has_ci(r.stop.message, "self-modifying code"));
    finish(&r);
}

/* An exception frame pushed with SP in flash is a fault, flash stays as it was; an
 * unreadable vector table is named as such. */
static void test_exc_frame_vtor(void **state)
{
    group *g = need_group(state);
    run_t r;
    run_entry(&r, g->elf[0], L4, "t_frame");
    expect_fault(&r, SIM_FAULT_WRITE_PROT);
    assert_true(has_ci(r.stop.message, "frame"));
    assert_true(has_ci(r.stop.message, "flash"));
    assert_int_equal(rd32(&r, 0x08002000u - 32), 0xFFFFFFFFu);
    finish(&r);
    /* fetches above the PPB are not called the PPB; the block that branched is named */
    run_entry(&r, g->elf[0], L4, "t_vendor");
    expect_stop(&r, SIM_STOP_FAULT);
    assert_false(has_ci(r.stop.message, "PPB"));
    assert_true(has_ci(r.stop.message, "vendor"));
    finish(&r);
    run_entry(&r, g->elf[0], L4, "t_excret");
    expect_stop(&r, SIM_STOP_FAULT);
    assert_false(has_ci(r.stop.message, "PPB"));
    finish(&r);
    run_entry(&r, g->elf[0], L4, "t_vtor");
    expect_fault(&r, SIM_FAULT_READ);
    assert_true(has_ci(r.stop.message, "VTOR"));
    assert_false(has_ci(r.stop.message, "overflow"));
    finish(&r);
}

/* ====================================================================== main */

int main(void)
{
    const struct CMUnitTest semi[] = {
        cmocka_unit_test(test_semihost_console), cmocka_unit_test(test_semihost_exit),
        cmocka_unit_test(test_semihost_refused), cmocka_unit_test(test_semihost_files),
        cmocka_unit_test(test_semihost_time),    cmocka_unit_test(test_accounting_off),
    };
    const struct CMUnitTest faults[] = {
        cmocka_unit_test(test_fault_write_exact),
        cmocka_unit_test(test_fault_read_flash),
        cmocka_unit_test(test_fault_undef_fetch_bkpt),
        cmocka_unit_test(test_fault_after_io),
    };
    const struct CMUnitTest run[] = {
        cmocka_unit_test(test_budget_cycles),  cmocka_unit_test(test_budget_insns),
        cmocka_unit_test(test_budget_timeout), cmocka_unit_test(test_interrupt),
        cmocka_unit_test(test_break_function), cmocka_unit_test(test_break_mid_block),
    };
    const struct CMUnitTest exc[] = {
        cmocka_unit_test(test_exc_systick),
        cmocka_unit_test(test_exc_svc_pendsv),
        cmocka_unit_test(test_exc_wfi),
    };
    const struct CMUnitTest ppb[] = {
        cmocka_unit_test(test_ppb_cpuid),
        cmocka_unit_test(test_ppb_cyccnt),
        cmocka_unit_test(test_ppb_itm),
    };
    const struct CMUnitTest warn[] = {
        cmocka_unit_test(test_warn_fpu_cpacr),
        cmocka_unit_test(test_warn_dsp_m3),
    };
    const struct CMUnitTest trust[] = {
        cmocka_unit_test(test_step_memory), cmocka_unit_test(test_sp_low),
        cmocka_unit_test(test_step_exact), cmocka_unit_test(test_step_masked),
        cmocka_unit_test(test_smc),      cmocka_unit_test(test_smc_churn),
        cmocka_unit_test(test_exc_frame_vtor),
    };
    const struct CMUnitTest arch[] = {
        cmocka_unit_test(test_arch_refused),
        cmocka_unit_test(test_arch_accepted),
    };
    int fails = 0;
    if (getenv("TEST_SIM_FILTER")) /* debugging: run only the tests matching this pattern */
        cmocka_set_test_filter(getenv("TEST_SIM_FILTER"));
    fails += cmocka_run_group_tests_name("sim semihosting", semi, semi_setup, group_teardown);
    fails += cmocka_run_group_tests_name("sim faults", faults, fault_setup, group_teardown);
    fails += cmocka_run_group_tests_name("sim run control", run, run_setup, group_teardown);
    fails += cmocka_run_group_tests_name("sim exceptions", exc, exc_setup, group_teardown);
    fails += cmocka_run_group_tests_name("sim ppb", ppb, ppb_setup, group_teardown);
    fails += cmocka_run_group_tests_name("sim warnings", warn, warn_setup, group_teardown);
    fails += cmocka_run_group_tests_name("sim architecture", arch, arch_setup, group_teardown);
    fails += cmocka_run_group_tests_name("sim trust", trust, trust_setup, group_teardown);
    return fails ? 1 : 0;
}
