/*
 * Commands with gdb's habits, for people who live in gdb: `print EXPR` (`p`), `x/NFU ADDR`,
 * `bt`. They read registers and target memory only; nothing here changes a figure.
 *
 * print EXPR: EXPR is [(TYPE)][*]ATOM[+N|-N]. ATOM: a register (r0-r12, sp, lr, pc, xpsr,
 * with or without '$'), a symbol (its address), or a number (decimal or 0x hex). '*' reads
 * target memory at the address as TYPE (default uint32); without '*', the cast converts the
 * value. TYPE: int8, uint8, int16, uint16, int32, uint32, float. A data symbol of 1, 2 or 4
 * bytes printed bare also shows its value, as gdb shows a variable.
 *
 * x/NFU ADDR: N units (default 1, at most 1024), F the format (x hex, d signed, u unsigned,
 * f float, c character; default x), U the unit (b 1, h 2, w 4 bytes; default w; f needs w).
 *
 * bt: frame 0 is the PC, frame 1 the return address in LR (unless it is an EXC_RETURN),
 * then the return addresses found on the stack from SP up (Thumb addresses in code right
 * after a BL or BLX): a scan, as debuggers do without unwind tables, so a stale return
 * address left on the stack can show as a frame; at most 32 frames.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "models/text.h"
#include "tui/session_int.h"

typedef enum { T_NONE, T_I8, T_U8, T_I16, T_U16, T_I32, T_U32, T_F32 } ctype;

static const struct {
    const char *name;
    ctype t;
    uint32_t size;
} types[] = {{"int8", T_I8, 1},   {"uint8", T_U8, 1},   {"int16", T_I16, 2}, {"uint16", T_U16, 2},
             {"int32", T_I32, 4}, {"uint32", T_U32, 4}, {"float", T_F32, 4}, {"char", T_I8, 1}};

const char *const session_reg_names[17] = {"r0", "r1", "r2",  "r3",  "r4",  "r5", "r6", "r7",  "r8",
                                          "r9", "r10", "r11", "r12", "sp", "lr", "pc", "xpsr"};

/* A register, symbol or number into *v; -1 (said) if it is none. */
static int atom(session *ss, const char *s, uint32_t *v, const sim_symbol **sym, FILE *out)
{
    const char *r = s[0] == '$' ? s + 1 : s;
    *sym = NULL;
    for (int i = 0; i < 17; i++)
        if (strcmp(r, session_reg_names[i]) == 0) {
            sim_regs g;
            sim_regs_get(ss->v.s, &g);
            *v = i == 16 ? g.xpsr : g.r[i];
            return 0;
        }
    uint64_t n;
    if (session_parse_num(s, UINT32_MAX, &n) == 0) {
        *v = (uint32_t)n;
        return 0;
    }
    const sim_symbol *y = sim_elf_symbol(ss->v.e, s);
    if (!y) {
        const sim_symbol *c[2];
        if (sim_elf_functions_named(ss->v.e, s, c, 2) == 1)
            y = c[0];
    }
    if (!y) {
        session_err(out, "print: '%s' is not a register, a number or a symbol of the firmware", s);
        return -1;
    }
    *sym = y;
    *v = y->addr;
    return 0;
}

/* size bytes at addr as type t, into *d (and the raw word into *raw). */
static int load(session *ss, uint32_t addr, ctype t, double *d, uint32_t *raw)
{
    uint32_t size = t == T_I8 || t == T_U8 ? 1 : t == T_I16 || t == T_U16 ? 2 : 4, w = 0;
    if (sim_read_target(ss->v.s, addr, &w, size) < 0)
        return -1;
    *raw = w;
    switch (t) {
    case T_I8: *d = (int8_t)w; break;
    case T_U8: *d = (uint8_t)w; break;
    case T_I16: *d = (int16_t)w; break;
    case T_U16: *d = (uint16_t)w; break;
    case T_I32: *d = (int32_t)w; break;
    case T_F32: {
        float f;
        memcpy(&f, &w, 4);
        *d = f;
        break;
    }
    default: *d = w; break;
    }
    return 0;
}

static void show(FILE *out, ctype t, double d, uint32_t raw)
{
    if (t == T_F32)
        fprintf(out, "= %.9g\n", d);
    else if (t == T_I8 || t == T_I16 || t == T_I32)
        fprintf(out, "= %.0f\n", d);
    else
        fprintf(out, "= %.0f (0x%0*x)\n", d, t == T_U8 ? 2 : t == T_U16 ? 4 : 8, raw);
}

int gdb_print(void *ctx, int argc, char **argv, FILE *out)
{
    session *ss = ctx;
    char expr[256], *p = expr;
    size_t o = 0;
    if (session_need_firmware(ss, out))
        return CMD_ERROR;
    for (int i = 1; i < argc && o < sizeof expr - 1; i++) /* the words again, without spaces */
        o += (size_t)snprintf(expr + o, sizeof expr - o, "%s", argv[i]);
    ctype t = T_NONE;
    if (*p == '(') {
        char *close = strchr(p, ')');
        if (!close)
            return session_err(out, "print: a cast is (TYPE): int8, uint8, int16, uint16, int32, "
                                    "uint32 or float");
        *close = 0;
        for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
            if (strcmp(p + 1, types[i].name) == 0)
                t = types[i].t;
        if (t == T_NONE)
            return session_err(out, "print: unknown type '%s' (int8, uint8, int16, uint16, "
                                    "int32, uint32, float)", p + 1);
        p = close + 1;
    }
    int deref = *p == '*';
    p += deref;
    /* ATOM[+N|-N] */
    long off = 0;
    char *pm = strpbrk(p + (*p == '-'), "+-");
    if (pm) {
        char *end;
        off = strtol(pm + 1, &end, 0);
        if (*end || end == pm + 1)
            return session_err(out, "print: '%s' is not an offset (a number)", pm);
        if (*pm == '-')
            off = -off;
        *pm = 0;
    }
    if (!*p)
        return session_err(out, "print EXPR: a register, a symbol, a number, *ADDR, (TYPE)...");
    uint32_t v;
    const sim_symbol *y;
    if (atom(ss, p, &v, &y, out) < 0)
        return CMD_ERROR;
    v += (uint32_t)off;
    double d;
    uint32_t raw;
    if (deref) {
        if (t == T_NONE)
            t = T_U32;
        if (load(ss, v, t, &d, &raw) < 0)
            return session_err(out, "print: 0x%08x is not in the board's memory", v);
        show(out, t, d, raw);
        return CMD_OK;
    }
    if (y && !y->is_func && !off && t == T_NONE && (y->size == 1 || y->size == 2 || y->size == 4)) {
        char shown[TEXT_SAFE_SIZE(96)];
        ctype vt = y->size == 1 ? T_U8 : y->size == 2 ? T_U16 : T_U32;
        if (load(ss, v, vt, &d, &raw) == 0) {
            fprintf(out, "%s at 0x%08x (%u bytes) ", text_safe(y->display, shown, sizeof shown),
                    v, y->size);
            show(out, vt, d, raw);
            return CMD_OK;
        }
    }
    raw = v;
    switch (t) {
    case T_I8: d = (int8_t)v; break;
    case T_U8: d = (uint8_t)v, raw &= 0xffu; break;
    case T_I16: d = (int16_t)v; break;
    case T_U16: d = (uint16_t)v, raw &= 0xffffu; break;
    case T_I32: d = (int32_t)v; break;
    case T_F32: d = (float)(int32_t)v; break;
    default: t = T_U32, d = v; break;
    }
    show(out, t, d, raw);
    return CMD_OK;
}

int gdb_x(session *ss, const char *fmt, const char *where, FILE *out)
{
    uint32_t addr;
    unsigned long n = 1;
    char f = 'x', u = 'w';
    const char *p = fmt + 1;
    if (*p >= '0' && *p <= '9') {
        char *end;
        n = strtoul(p, &end, 10);
        p = end;
    }
    for (; *p; p++) {
        if (strchr("xdufc", *p))
            f = *p;
        else if (strchr("bhw", *p))
            u = *p;
        else
            return session_err(out, "x/NFU: '%c' is neither a format (x d u f c) nor a unit (b h "
                                    "w)", *p);
    }
    if (n == 0 || n > 1024)
        return session_err(out, "x/NFU: N is from 1 to 1024");
    if (f == 'f')
        u = 'w';
    if (f == 'c')
        u = 'b';
    uint32_t size = u == 'b' ? 1 : u == 'h' ? 2 : 4, per = u == 'w' ? 4 : 8;
    const sim_symbol *y;
    const char *r = where[0] == '$' ? where + 1 : where;
    int is_reg = 0;
    for (int i = 0; i < 17; i++)
        is_reg |= strcmp(r, session_reg_names[i]) == 0;
    if (is_reg ? atom(ss, where, &addr, &y, out) < 0 : session_parse_addr(ss, where, &addr, out) < 0)
        return CMD_ERROR;
    for (unsigned long i = 0; i < n; i++) {
        uint32_t w = 0, a = addr + (uint32_t)(i * size);
        if (i % per == 0) {
            char at[96], hex[16];
            sim_describe_addr(ss->v.s, a, at, sizeof at);
            snprintf(hex, sizeof hex, "0x%08x", a);
            if (strcmp(at, hex) == 0) /* no symbol there */
                fprintf(out, "%s0x%08x:", i ? "\n" : "", a);
            else
                fprintf(out, "%s0x%08x <%s>:", i ? "\n" : "", a, at);
        }
        if (sim_read_target(ss->v.s, a, &w, size) < 0) {
            fputc('\n', out);
            return session_err(out, "0x%08x is not in the board's memory", a);
        }
        switch (f) {
        case 'd':
            fprintf(out, "\t%d", size == 1 ? (int)(int8_t)w : size == 2 ? (int)(int16_t)w : (int32_t)w);
            break;
        case 'u': fprintf(out, "\t%u", w); break;
        case 'f': {
            float x;
            memcpy(&x, &w, 4);
            fprintf(out, "\t%.9g", x);
            break;
        }
        case 'c':
            if (w >= 0x20 && w < 0x7f)
                fprintf(out, "\t'%c'", (char)w);
            else
                fprintf(out, "\t\\x%02x", w);
            break;
        default: fprintf(out, "\t0x%0*x", (int)size * 2, w);
        }
    }
    fputc('\n', out);
    return CMD_OK;
}

/* A Thumb return address: odd, in code, right after a BL (4 bytes) or BLX (2). */
static int return_address(session *ss, uint32_t v)
{
    char text[96];
    uint32_t at = v & ~1u, off;
    if (!(v & 1u) || !sim_elf_symbol_at(ss->v.e, at, &off))
        return 0;
    if (at >= 4 && sim_disas(ss->v.s, at - 4, text, sizeof text) == 4 && strncmp(text, "bl", 2) == 0)
        return 1;
    return at >= 2 && sim_disas(ss->v.s, at - 2, text, sizeof text) == 2 &&
           strncmp(text, "blx", 3) == 0;
}

int gdb_bt(void *ctx, int argc, char **argv, FILE *out)
{
    session *ss = ctx;
    (void)argc, (void)argv;
    if (session_need_firmware(ss, out))
        return CMD_ERROR;
    sim_regs r;
    char where[96];
    sim_regs_get(ss->v.s, &r);
    int n = 0;
    sim_describe_addr(ss->v.s, r.r[15] & ~1u, where, sizeof where);
    fprintf(out, "#%d  0x%08x in %s\n", n++, r.r[15] & ~1u, where);
    uint32_t lr = r.r[14];
    if ((lr & 0xF0000000u) == 0xF0000000u) {
        fprintf(out, "    (in an exception handler: LR is EXC_RETURN 0x%08x)\n", lr);
    } else if (return_address(ss, lr)) {
        sim_describe_addr(ss->v.s, lr & ~1u, where, sizeof where);
        fprintf(out, "#%d  0x%08x in %s (lr)\n", n++, lr & ~1u, where);
    }
    const sim_region *ram = sim_board_range_at(&ss->v.board, r.r[13], 4);
    uint32_t sp = r.r[13] & ~3u, top = ram ? ram->base + ram->size : sp;
    for (uint32_t a = sp, k = 0; a + 4 <= top && k < 4096 && n < 32; a += 4, k++) {
        uint32_t w;
        if (sim_read_target(ss->v.s, a, &w, 4) < 0)
            break;
        if (w == lr || !return_address(ss, w))
            continue;
        sim_describe_addr(ss->v.s, w & ~1u, where, sizeof where);
        fprintf(out, "#%d  0x%08x in %s (stack at 0x%08x)\n", n++, w & ~1u, where, a);
    }
    if (n == 32)
        fprintf(out, "(more frames not shown)\n");
    return CMD_OK;
}

const char *session_xpsr_text(uint32_t x, char *buf, size_t n)
{
    snprintf(buf, n, "flags %c%c%c%c%c  GE %u%u%u%u  exception %u", x & (1u << 31) ? 'N' : 'n',
             x & (1u << 30) ? 'Z' : 'z', x & (1u << 29) ? 'C' : 'c', x & (1u << 28) ? 'V' : 'v',
             x & (1u << 27) ? 'Q' : 'q', (x >> 19) & 1u, (x >> 18) & 1u, (x >> 17) & 1u,
             (x >> 16) & 1u, x & 0x1ffu);
    return buf;
}
