/*
 * libFuzzer target for the interactive command language: any bytes as one command line go
 * through the splitter, the name lookup and the session's commands with no firmware loaded
 * (every command must refuse cleanly or run; none may crash). `make fuzz` runs it for
 * FUZZ_SECONDS with the seed corpus tests/fuzz/cmd_corpus (the walkthrough's commands).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/cmd.h"
#include "tui/session.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static FILE *sink;
    static session ss;
    char line[CMD_MAX_LINE + 16], copy[CMD_MAX_LINE + 16], err[256];
    char *argv[CMD_MAX_ARGS];
    if (!sink)
        sink = fopen("/dev/null", "w");
    if (size > sizeof line - 1)
        size = sizeof line - 1;
    memcpy(line, data, size);
    line[size] = 0;
    memcpy(copy, line, size + 1);
    int argc = cmd_split(copy, argv, CMD_MAX_ARGS, err, sizeof err);
    if (argc > 0) {
        const cmd_entry *e = cmd_lookup(session_commands, argv[0], err, sizeof err);
        /* load reads files named by the input; it is tested with real files elsewhere */
        if (e && strcmp(e->name, "load") == 0)
            return 0;
    }
    session_exec(&ss, line, sink);
    return 0;
}
