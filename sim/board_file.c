/*
 * Board profile files (sim/board.h: the format is in the README, "Board profiles"): the
 * parser of untrusted profile text, every field checked as its line is read with board.c's
 * checks; loading a file; resolving a --board argument (a built-in name or a file); and
 * writing a board back out as a profile.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "models/util.h"
#include "sim/board.h"
#include "sim/board_int.h"

/* ===================================================================== profile parser */

typedef struct {
    const char *file;     /* path or name for messages */
    uint32_t line;        /* current line, 1-based; 0 for whole-file messages */
    char **cause;
    int based;            /* a 'base = BOARD' line started from a built-in board */
    int own_regions;      /* a region line of the file's own replaced the base's */
} pctx;

static int perr(pctx *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Set *cause to "FILE:LINE: message" (or "FILE: message" for line 0); returns -1. */
static int perr(pctx *p, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *m = mu_vasprintf(fmt, ap);
    va_end(ap);
    if (p->line)
        *p->cause = mu_asprintf("%s:%u: %s", p->file, p->line, m);
    else
        *p->cause = mu_asprintf("%s: %s", p->file, m);
    free(m);
    return -1;
}

static int is_space(char c)
{
    return c == ' ' || c == '\t';
}

static char *trim(char *s)
{
    while (is_space(*s))
        s++;
    size_t n = strlen(s);
    while (n > 0 && is_space(s[n - 1]))
        s[--n] = '\0';
    return s;
}

/*
 * An unsigned integer, decimal or 0x hex, at *s; advances *s past it. 0, -1 if there is no
 * number, -2 if it is above 2^40 (no field needs more: this is the overflow check).
 */
static int parse_uint(const char **s, uint64_t *out)
{
    const char *p = *s;
    uint64_t v = 0;
    int digits = 0;
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
        p += 2;
        for (;; p++, digits++) {
            int d;
            if (*p >= '0' && *p <= '9')
                d = *p - '0';
            else if (*p >= 'a' && *p <= 'f')
                d = *p - 'a' + 10;
            else if (*p >= 'A' && *p <= 'F')
                d = *p - 'A' + 10;
            else
                break;
            v = v * 16 + (uint64_t)d;
            if (v > (1ull << 40))
                return -2;
        }
    } else {
        for (; *p >= '0' && *p <= '9'; p++, digits++) {
            v = v * 10 + (uint64_t)(*p - '0');
            if (v > (1ull << 40))
                return -2;
        }
    }
    if (digits == 0)
        return -1;
    *s = p;
    *out = v;
    return 0;
}

/* A whole token as a 32-bit address. */
static int parse_addr(pctx *p, const char *tok, const char *what, uint32_t *out)
{
    const char *s = tok;
    uint64_t v;
    int rc = parse_uint(&s, &v);
    if (rc == -2)
        return perr(p, "%s '%s' is beyond the 4 GiB address space", what, tok);
    if (rc != 0 || *s != '\0')
        return perr(p, "%s '%s' is not a number (write decimal or 0x hex)", what, tok);
    if (v > 0xFFFFFFFFull)
        return perr(p, "%s '%s' is beyond the 4 GiB address space", what, tok);
    *out = (uint32_t)v;
    return 0;
}

/* A size: a number with an optional K or M suffix (also KiB, KB, MiB, MB), 1 byte .. 4 GiB-1. */
static int parse_size(pctx *p, const char *tok, uint32_t *out)
{
    const char *s = tok;
    uint64_t v, mul = 1;
    int rc = parse_uint(&s, &v);
    if (rc == -2)
        return perr(p, "size '%s' is larger than the 4 GiB address space", tok);
    if (rc != 0)
        return perr(p, "size '%s' is not a number (write bytes, or a K or M suffix)", tok);
    if (*s == 'K' || *s == 'k')
        mul = 1024, s++;
    else if (*s == 'M' || *s == 'm')
        mul = 1024 * 1024, s++;
    if (mul != 1 && (strcmp(s, "iB") == 0 || strcmp(s, "B") == 0))
        s += strlen(s);
    if (*s != '\0')
        return perr(p, "size '%s' has an unknown suffix (use K or M)", tok);
    if (v > 0xFFFFFFFFull / mul)
        return perr(p, "size '%s' is larger than the 4 GiB address space", tok);
    v *= mul;
    if (v > 0xFFFFFFFFull)
        return perr(p, "size '%s' is larger than the 4 GiB address space", tok);
    *out = (uint32_t)v;
    return 0;
}

/*
 * A non-negative decimal ("3.3", "189", "1.5e3") at most max. Parsed here rather than with
 * strtod so that the locale (the TUI may set one with a decimal comma) cannot change it.
 */
static int parse_decimal(pctx *p, const char *key, const char *tok, double max, double *out)
{
    static const double p10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                 1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    const char *s = tok;
    uint64_t mant = 0;
    int exp10 = 0, digits = 0, sig = 0;
    for (; *s >= '0' && *s <= '9'; s++, digits++) {
        if (sig < 19) {
            mant = mant * 10 + (uint64_t)(*s - '0');
            if (mant)
                sig++;
        } else {
            exp10++;
        }
    }
    if (*s == '.') {
        for (s++; *s >= '0' && *s <= '9'; s++, digits++) {
            if (sig < 19) {
                mant = mant * 10 + (uint64_t)(*s - '0');
                exp10--;
                if (mant)
                    sig++;
            }
        }
    }
    if (digits == 0)
        return perr(p, "%s '%s' is not a number", key, tok);
    if (*s == 'e' || *s == 'E') {
        int neg = 0, e = 0, ed = 0;
        s++;
        if (*s == '+' || *s == '-')
            neg = *s++ == '-';
        for (; *s >= '0' && *s <= '9'; s++, ed++) {
            if (e < 1000)
                e = e * 10 + (*s - '0');
        }
        if (ed == 0)
            return perr(p, "%s '%s' is not a number", key, tok);
        exp10 += neg ? -e : e;
    }
    if (*s != '\0')
        return perr(p, "%s '%s' is not a number (write a decimal such as 3.3)", key, tok);
    double v = (double)mant;
    if (mant != 0) {
        if (exp10 > 40)
            return perr(p, "%s '%s' is out of range (0 to %g)", key, tok, max);
        while (exp10 > 0) {
            int k = exp10 > 22 ? 22 : exp10;
            v *= p10[k];
            exp10 -= k;
        }
        while (exp10 < 0) {
            int k = -exp10 > 22 ? 22 : -exp10;
            v /= p10[k];
            exp10 += k;
        }
    }
    if (!(v <= max))
        return perr(p, "%s '%s' is out of range (0 to %g)", key, tok, max);
    *out = v;
    return 0;
}

/* clock_mhz: decimal MHz with up to 6 decimals, exactly, in Hz. */
static int parse_mhz(pctx *p, const char *tok, uint64_t *hz)
{
    const char *s = tok;
    uint64_t v = 0, frac = 0;
    int digits = 0, fd = 0;
    for (; *s >= '0' && *s <= '9'; s++, digits++) {
        v = v * 10 + (uint64_t)(*s - '0');
        if (v > 100000)
            return perr(p, "clock_mhz '%s' is out of range (1 kHz to 1 GHz)", tok);
    }
    if (*s == '.') {
        for (s++; *s >= '0' && *s <= '9'; s++, fd++) {
            if (fd == 6)
                return perr(p, "clock_mhz '%s' has more than 6 decimals (finer than 1 Hz)", tok);
            frac = frac * 10 + (uint64_t)(*s - '0');
        }
    }
    if (digits == 0 || *s != '\0')
        return perr(p, "clock_mhz '%s' is not a number (write MHz such as 80 or 4.194304)", tok);
    for (; fd < 6; fd++)
        frac *= 10;
    *hz = v * 1000000u + frac;
    return 0;
}

/* Copy a free-text value (mcu, source) into a fixed field: printable ASCII, fits. */
static int set_text(pctx *p, const char *key, const char *val, char *dst, size_t size)
{
    size_t n = strlen(val);
    if (n >= size)
        return perr(p, "%s is %zu characters, more than %zu", key, n, size - 1);
    memcpy(dst, val, n + 1);
    return 0;
}

/* region = NAME KIND BASE SIZE [ws=N] [alias=ADDR] */
static int parse_region(pctx *p, sim_board *b, char *val)
{
    char *tok[8];
    int nt = 0;
    for (char *s = val; *s;) {
        while (is_space(*s))
            s++;
        if (!*s)
            break;
        if (nt == 8)
            return perr(p, "region has too many fields (NAME KIND BASE SIZE [ws=N] [alias=ADDR])");
        tok[nt++] = s;
        while (*s && !is_space(*s))
            s++;
        if (*s)
            *s++ = '\0';
    }
    if (nt < 4)
        return perr(p, "region needs NAME KIND BASE SIZE [ws=N] [alias=ADDR]");
    if (b->n_regions >= SIM_MAX_REGIONS)
        return perr(p, "more than %u regions", SIM_MAX_REGIONS);

    sim_region r;
    memset(&r, 0, sizeof r);
    if (!board_valid_name(tok[0], sizeof r.name - 1))
        return perr(p, "region name '%s' must be 1 to %zu characters of [a-z0-9._-]", tok[0],
                    sizeof r.name - 1);
    memcpy(r.name, tok[0], strlen(tok[0]) + 1);
    if (strcmp(tok[1], "flash") == 0)
        r.kind = SIM_MEM_FLASH;
    else if (strcmp(tok[1], "ram") == 0)
        r.kind = SIM_MEM_RAM;
    else
        return perr(p, "region '%s': kind '%s' is neither flash nor ram", r.name, tok[1]);
    if (parse_addr(p, tok[2], "base", &r.base) != 0 || parse_size(p, tok[3], &r.size) != 0)
        return -1;
    int have_ws = 0;
    for (int i = 4; i < nt; i++) {
        if (strncmp(tok[i], "ws=", 3) == 0 && !have_ws) {
            const char *s = tok[i] + 3;
            uint64_t v;
            if (parse_uint(&s, &v) != 0 || *s != '\0' || v > 255)
                return perr(p, "region '%s': wait states '%s' must be a number from 0 to 255",
                            r.name, tok[i] + 3);
            r.wait_states = (uint32_t)v;
            have_ws = 1;
        } else if (strncmp(tok[i], "alias=", 6) == 0 && !r.has_alias) {
            if (parse_addr(p, tok[i] + 6, "alias", &r.alias) != 0)
                return -1;
            r.has_alias = 1;
        } else {
            return perr(p, "region '%s': unexpected '%s' (options: ws=N alias=ADDR, each once)",
                        r.name, tok[i]);
        }
    }
    b->regions[b->n_regions] = r;
    char msg[256];
    if (board_check_region(b, b->n_regions, msg, sizeof msg) != 0)
        return perr(p, "%s", msg);
    b->n_regions++;
    return 0;
}

enum {
    K_NAME, K_MCU, K_CORE, K_CLOCK, K_REGION, K_VDD, K_RUN, K_OFFSET, K_SLEEP, K_WIDTH,
    K_ICACHE, K_DCACHE, K_PREFETCH, K_WSTABLE, K_CLKMIN, K_BASE, K_SLEEPMODE, K_SOURCE
};

static const struct {
    const char *key;
    int id;
} keys[] = {
    {"name", K_NAME},         {"mcu", K_MCU},
    {"core", K_CORE},         {"clock_mhz", K_CLOCK},
    {"clock_hz", K_CLOCK},    {"region", K_REGION},
    {"vdd_v", K_VDD},         {"run_ua_per_mhz", K_RUN},
    {"run_offset_ua", K_OFFSET}, {"sleep_ua", K_SLEEP},
    {"flash_width", K_WIDTH}, {"icache_bytes", K_ICACHE},
    {"dcache_bytes", K_DCACHE}, {"prefetch", K_PREFETCH},
    {"ws_table", K_WSTABLE},  {"clock_min_mhz", K_CLKMIN},
    {"base", K_BASE},         {"sleep_mode", K_SLEEPMODE}, {"source", K_SOURCE},
};
#define N_KEYS (sizeof keys / sizeof keys[0])

/* A whole number from 0 to max (sizes in bytes, flags). */
static int parse_small(pctx *p, const char *key, const char *val, uint32_t max, uint32_t *out)
{
    const char *s = val;
    uint64_t v;
    int rc = parse_uint(&s, &v);
    if (rc != 0 || *s != '\0' || v > max)
        return perr(p, "%s '%s' must be a whole number from 0 to %u", key, val, max);
    *out = (uint32_t)v;
    return 0;
}

/* One "key = value" line (comment and blanks already removed). seen[] holds the line
 * where each key id was first given. */
static int parse_line(pctx *p, sim_board *b, char *line, uint32_t *seen)
{
    char *eq = strchr(line, '=');
    if (eq == NULL)
        return perr(p, "expected KEY = VALUE, got '%s'", line);
    *eq = '\0';
    char *key = trim(line), *val = trim(eq + 1);
    size_t k = 0;
    while (k < N_KEYS && strcmp(keys[k].key, key) != 0)
        k++;
    if (k == N_KEYS)
        return perr(p, "unknown key '%s' (keys: name, mcu, core, clock_mhz or clock_hz, region, "
                       "vdd_v, run_ua_per_mhz, run_offset_ua, sleep_ua, flash_width, icache_bytes, "
                       "dcache_bytes, prefetch, ws_table, clock_min_mhz, base, sleep_mode, source)",
                       key);
    int id = keys[k].id;
    if (id != K_REGION && seen[id])
        return perr(p, "'%s' is given twice (first on line %u)",
                    id == K_CLOCK ? "clock_mhz/clock_hz" : key, seen[id]);
    if (seen[id] == 0)
        seen[id] = p->line;
    if (*val == '\0')
        return perr(p, "'%s' needs a value", key);

    switch (id) {
    case K_BASE: {
        for (int i = 0; i < K_SOURCE + 1; i++)
            if (i != K_BASE && seen[i])
                return perr(p, "'base' must come first: it starts from a built-in board that "
                               "the lines after it change");
        const sim_board *from = sim_board_find(val);
        if (!from)
            return perr(p, "base '%s' is not a built-in board ('tinysim boards' lists them)", val);
        *b = *from;
        p->based = 1;
        return 0;
    }
    case K_WSTABLE: {
        char *save = NULL;
        uint32_t n = 0;
        for (char *t = strtok_r(val, " ,\t", &save); t; t = strtok_r(NULL, " ,\t", &save)) {
            uint64_t hz;
            if (n == 16)
                return perr(p, "ws_table has more than 16 steps");
            if (parse_mhz(p, t, &hz) != 0)
                return -1;
            if (hz < CLOCK_MIN || hz > CLOCK_MAX || (n && hz <= b->ws_max_hz[n - 1]))
                return perr(p, "ws_table: %s MHz: the clocks must rise, within 1 kHz to 1 GHz "
                               "(the highest clock for 0, 1, 2 ... wait states)", t);
            b->ws_max_hz[n++] = (uint32_t)hz;
        }
        b->n_ws = n;
        return 0;
    }
    case K_CLKMIN: {
        uint64_t hz;
        if (parse_mhz(p, val, &hz) != 0)
            return -1;
        if (hz > CLOCK_MAX)
            return perr(p, "clock_min_mhz '%s' is above 1 GHz", val);
        b->clock_min_hz = (uint32_t)hz;
        return 0;
    }
    case K_NAME:
        if (!board_valid_name(val, sizeof b->name - 1))
            return perr(p, "name '%s' must be 1 to 31 characters of [a-z0-9._-]", val);
        memcpy(b->name, val, strlen(val) + 1);
        return 0;
    case K_MCU:
        return set_text(p, key, val, b->mcu, sizeof b->mcu);
    case K_SOURCE:
        return set_text(p, key, val, b->source, sizeof b->source);
    case K_SLEEPMODE:
        return set_text(p, key, val, b->sleep_mode, sizeof b->sleep_mode);
    case K_CORE:
        if (sim_core_parse(val, &b->core) != 0)
            return perr(p, "unknown core '%s' (cores: cortex-m0plus, cortex-m3, cortex-m4f, "
                           "cortex-m7, cortex-m33)", val);
        return 0;
    case K_CLOCK: {
        uint64_t hz;
        if (strcmp(key, "clock_hz") == 0) {
            const char *s = val;
            int rc = parse_uint(&s, &hz);
            if (rc == -2)
                return perr(p, "clock_hz '%s' is out of range (1 kHz to 1 GHz)", val);
            if (rc != 0 || *s != '\0')
                return perr(p, "clock_hz '%s' is not a whole number of Hz", val);
        } else if (parse_mhz(p, val, &hz) != 0) {
            return -1;
        }
        if (hz < CLOCK_MIN || hz > CLOCK_MAX)
            return perr(p, "%s '%s' is out of range (1 kHz to 1 GHz)", key, val);
        b->clock_hz = (uint32_t)hz;
        return 0;
    }
    case K_REGION:
        if (p->based && !p->own_regions) /* the file's regions replace the base's */
            b->n_regions = 0;
        p->own_regions = 1;
        return parse_region(p, b, val);
    case K_VDD:
        return parse_decimal(p, key, val, 10.0, &b->vdd_v);
    case K_RUN:
        return parse_decimal(p, key, val, 1e5, &b->run_ua_per_mhz);
    case K_OFFSET:
        return parse_decimal(p, key, val, 1e7, &b->run_offset_ua);
    case K_WIDTH:
        return parse_small(p, key, val, 64, &b->flash_width);
    case K_ICACHE:
        return parse_small(p, key, val, CACHE_MAX, &b->icache_bytes);
    case K_DCACHE:
        return parse_small(p, key, val, CACHE_MAX, &b->dcache_bytes);
    case K_PREFETCH:
        return parse_small(p, key, val, 1, &b->prefetch);
    default:
        return parse_decimal(p, key, val, 1e7, &b->sleep_ua);
    }
}

int sim_board_parse(const char *text, size_t len, const char *name, sim_board *out, char **cause)
{
    pctx p = {.file = name ? name : "<profile>", .line = 0, .cause = cause};
    uint32_t seen[K_SOURCE + 1] = {0};
    sim_board b;
    char buf[SIM_BOARD_MAX_LINE + 1];

    if (len > SIM_BOARD_MAX_FILE)
        return perr(&p, "larger than 64 KiB; a board profile is a short text file");
    memset(&b, 0, sizeof b);
    size_t pos = 0;
    while (pos < len) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - text) : len, n = end - pos;
        p.line++;
        if (n > 0 && text[pos + n - 1] == '\r')
            n--;
        if (n > SIM_BOARD_MAX_LINE)
            return perr(&p, "line is longer than %u characters", SIM_BOARD_MAX_LINE);
        memcpy(buf, text + pos, n);
        buf[n] = '\0';
        pos = end + 1;
        /* Byte checks on the whole line (a NUL also ends buf early, so look at n bytes). */
        int in_comment = 0;
        for (size_t i = 0; i < n; i++) {
            unsigned char c = (unsigned char)buf[i];
            if (c == '\0')
                return perr(&p, "NUL byte at column %zu: this is not a text file", i + 1);
            if (c == '#')
                in_comment = 1;
            if (c < 0x20 && c != '\t')
                return perr(&p, "control character 0x%02x at column %zu", c, i + 1);
            if (c == 0x7f || (c >= 0x80 && !in_comment))
                return perr(&p, "non-ASCII byte 0x%02x at column %zu (profiles are ASCII)", c,
                            i + 1);
        }
        char *hash = strchr(buf, '#');
        if (hash)
            *hash = '\0';
        char *line = trim(buf);
        if (*line == '\0')
            continue;
        if (parse_line(&p, &b, line, seen) != 0)
            return -1;
    }

    p.line = 0;
    char msg[256];
    if (board_check_ws(&b, msg, sizeof msg) != 0)
        return perr(&p, "%s", msg);
    /* a base board at another clock: its flash wait states follow its table, as --clock */
    if (p.based && seen[K_CLOCK] && !p.own_regions && b.n_ws &&
        sim_board_set_clock(&b, b.clock_hz, msg, sizeof msg) < 0)
        return perr(&p, "%s", msg);
    if (p.based) /* the base gave them */
        seen[K_NAME] = seen[K_CORE] = seen[K_CLOCK] = 1;
    /* the base's sleep_mode describes the base's sleep_ua, not a figure given here */
    if (seen[K_SLEEP] && !seen[K_SLEEPMODE])
        b.sleep_mode[0] = '\0';
    if (!seen[K_NAME])
        return perr(&p, "no 'name = ...' line (required: name, core, clock_mhz, and a flash "
                        "and a ram region)");
    if (!seen[K_CORE])
        return perr(&p, "no 'core = ...' line (cortex-m0plus, cortex-m3, cortex-m4f, cortex-m7 "
                        "or cortex-m33)");
    if (!seen[K_CLOCK])
        return perr(&p, "no 'clock_mhz = ...' (or clock_hz) line");
    if (board_check_whole(&b, msg, sizeof msg) != 0 || board_check_accel(&b, msg, sizeof msg) != 0)
        return perr(&p, "%s", msg);
    *out = b;
    return 0;
}

int sim_board_load(const char *path, sim_board *out, char **cause)
{
    FILE *f = fopen(path, "rb");
    struct stat st;
    if (f == NULL) {
        *cause = mu_asprintf("cannot open board profile %s: %s", path, strerror(errno));
        return -1;
    }
    if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
        fclose(f);
        *cause = mu_asprintf("board profile %s is a directory", path);
        return -1;
    }
    char *text = malloc(SIM_BOARD_MAX_FILE + 1);
    if (text == NULL) {
        fclose(f);
        *cause = mu_asprintf("out of memory reading %s", path);
        return -1;
    }
    size_t n = fread(text, 1, SIM_BOARD_MAX_FILE + 1, f);
    int bad = ferror(f);
    int saved = errno;
    fclose(f);
    int rc;
    if (bad) {
        *cause = mu_asprintf("cannot read board profile %s: %s", path, strerror(saved));
        rc = -1;
    } else if (n > SIM_BOARD_MAX_FILE) {
        *cause = mu_asprintf("%s: larger than 64 KiB; a board profile is a short text file",
                             path);
        rc = -1;
    } else {
        rc = sim_board_parse(text, n, path, out, cause);
    }
    free(text);
    return rc;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

int sim_board_resolve(const char *arg, sim_board *out, char **cause)
{
    struct stat st;
    if (arg == NULL || *arg == '\0') {
        *cause = mu_asprintf("no board given: name a built-in board or a profile file");
        return -1;
    }
    int pathlike = strchr(arg, '/') || ends_with(arg, ".board") || ends_with(arg, ".txt");
    if (!pathlike) {
        const sim_board *b = sim_board_find(arg);
        if (b) {
            *out = *b;
            return 0;
        }
    }
    if (pathlike || stat(arg, &st) == 0)
        return sim_board_load(arg, out, cause);

    /* Unknown: list the built-in boards, and suggest one that differs only in case. */
    size_t len = 0;
    for (uint32_t i = 0; i < sim_board_builtin_count(); i++)
        len += strlen(sim_board_builtin(i)->name) + 2;
    char *list = malloc(len + 1), *w = list;
    if (list == NULL) {
        *cause = mu_asprintf("unknown board '%s'", arg);
        return -1;
    }
    const char *near = NULL;
    for (uint32_t i = 0; i < sim_board_builtin_count(); i++) {
        const char *name = sim_board_builtin(i)->name;
        w += sprintf(w, "%s%s", i ? ", " : "", name);
        if (strcasecmp(arg, name) == 0)
            near = name;
    }
    *cause = mu_asprintf("unknown board '%s'%s%s%s; built-in boards: %s; or give a profile file "
                         "(a path containing '/' or ending in .board)",
                         arg, near ? " (did you mean '" : "", near ? near : "", near ? "'?)" : "",
                         list);
    free(list);
    return -1;
}

/* ===================================================================== writing profiles */

/* Append to a growing string (aborts on ENOMEM, as mu_asprintf does). */
static void cat(char **s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void cat(char **s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *add = mu_vasprintf(fmt, ap);
    va_end(ap);
    char *n = mu_asprintf("%s%s", *s, add);
    free(add);
    free(*s);
    *s = n;
}

/* Hz as MHz with no more decimals than it needs ("120", "4.194304"). */
static const char *board_mhz(uint32_t hz, char *buf, size_t n)
{
    snprintf(buf, n, "%u.%06u", hz / 1000000u, hz % 1000000u);
    char *e = buf + strlen(buf) - 1;
    while (*e == '0')
        *e-- = 0;
    if (*e == '.')
        *e = 0;
    return buf;
}

char *sim_board_to_profile(const sim_board *b)
{
    char *s = mu_asprintf("# tinysim board profile (written by tinysim from board %s)\n",
                          b->name);
    cat(&s, "name = %s\n", b->name);
    if (b->mcu[0])
        cat(&s, "mcu = %s\n", b->mcu);
    cat(&s, "core = %s\n", sim_core_id(b->core));
    cat(&s, "clock_hz = %u\n", b->clock_hz);
    for (uint32_t i = 0; i < b->n_regions && i < SIM_MAX_REGIONS; i++) {
        const sim_region *r = &b->regions[i];
        char size[24];
        if (r->size % (1024u * 1024u) == 0)
            snprintf(size, sizeof size, "%uM", r->size / (1024u * 1024u));
        else if (r->size % 1024u == 0)
            snprintf(size, sizeof size, "%uK", r->size / 1024u);
        else
            snprintf(size, sizeof size, "%u", r->size);
        cat(&s, "region = %s %s 0x%08x %s ws=%u", r->name,
            r->kind == SIM_MEM_FLASH ? "flash" : "ram", r->base, size, r->wait_states);
        if (r->has_alias)
            cat(&s, " alias=0x%08x", r->alias);
        cat(&s, "\n");
    }
    const struct {
        const char *key;
        double v;
    } figs[] = {{"vdd_v", b->vdd_v},
                {"run_ua_per_mhz", b->run_ua_per_mhz},
                {"run_offset_ua", b->run_offset_ua},
                {"sleep_ua", b->sleep_ua}};
    for (size_t i = 0; i < sizeof figs / sizeof figs[0]; i++) {
        char num[40];
        snprintf(num, sizeof num, "%.15g", figs[i].v);
        /* A locale with a decimal comma (the TUI may set one) must not leak into the file:
         * %g prints no grouping, so a comma can only be the decimal point. */
        for (char *c = num; *c; c++) {
            if (*c == ',')
                *c = '.';
        }
        cat(&s, "%s = %s\n", figs[i].key, num);
    }
    cat(&s, "flash_width = %u\nicache_bytes = %u\ndcache_bytes = %u\nprefetch = %u\n",
        b->flash_width, b->icache_bytes, b->dcache_bytes, b->prefetch);
    if (b->n_ws) {
        char mhz[24];
        cat(&s, "ws_table =");
        for (uint32_t i = 0; i < b->n_ws && i < 16; i++)
            cat(&s, " %s", board_mhz(b->ws_max_hz[i], mhz, sizeof mhz));
        cat(&s, "\nclock_min_mhz = %s\n", board_mhz(b->clock_min_hz, mhz, sizeof mhz));
    }
    if (b->sleep_mode[0])
        cat(&s, "sleep_mode = %s\n", b->sleep_mode);
    if (b->source[0])
        cat(&s, "source = %s\n", b->source);
    return s;
}
