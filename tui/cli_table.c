/*
 * The command table of `tinysim COMMAND` and the error helpers every command uses (in libcli,
 * so the tests link the commands without main()).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "../profiler/report.h"
#include "cli.h"
#include "../profiler/sweep.h"

const cli_command cli_commands[] = {
    {"convert", "convert MODEL.tflite -o MODEL.tsm",
     "compile a .tflite model into a .tsm image for the inference core",
     "  -o, --output FILE   the .tsm file to write (required)\n"
     "Prints the layer count, image size and planned arena size.\n",
     cli_convert},
    {"inspect", "inspect MODEL.tflite|MODEL.tsm [--json]",
     "show a model's layers: ops, shapes, MACs, weight and activation bytes, totals",
     "  --json              print a JSON object (layers array and totals) instead of a table\n",
     cli_inspect},
    {"infer", "infer MODEL --input FILE --output FILE [--dump-layers DIR] [--invokes N]",
     "run the inference core on the host on raw input bytes",
     "  -i, --input FILE    raw bytes of the model's input tensor, in its type (int8, int16,\n"
     "                      int32 or float32; NHWC); give it once per model input\n"
     "  -o, --output FILE   where to write the raw bytes of the output tensor; once per output\n"
     "  --dump-layers DIR   also write each layer's output to DIR/op_NN_OPNAME.bin\n"
     "  --invokes N         run the model N times on the same input (default 1): an LSTM's or\n"
     "                      SVDF's state carries over, as in TFLM; outputs are the last run's\n",
     cli_infer},
    {"run",
     "run FIRMWARE.elf [--board NAME|FILE] [--model MODEL [--input FILE|--input-seed N]]\n"
     "                   [--max-cycles N] [--timeout SECONDS] [--json FILE|-] [--csv FILE|-]\n"
     "                   [--output FILE|-] [--probe FUNCTION]... [--layer-calls GLOB]...\n"
     "                   [--inference N] [--clock MHZ] [--max-ms MS] [--max-uj UJ]\n"
     "                   [--max-ram BYTES] [--max-flash BYTES] [--max-stack BYTES]\n"
     "                   [--rate N/s [--battery MAH]] [--gdb [HOST:]PORT] [--folded FILE|-]\n"
     "                   [--trace FILE|-] [--html FILE|-]",
     "run a firmware ELF on an emulated Cortex-M board and summarise the run",
     "  -b, --board NAME|FILE  board to run on (default: the board recorded in the ELF);\n"
     "                         a built-in name ('tinysim boards') or a profile file\n"
     "  -m, --model MODEL      .tflite or .tsm placed into the firmware's model slot\n"
     "  -i, --input FILE       raw input tensor bytes placed into the firmware's input slot\n"
     "  --input-seed N         without --input: the input is xorshift32 bytes from seed N\n"
     "                         (default 1, the same bytes as the golden input_seed1 files)\n"
     "  --probe FUNCTION       measure each call of this function, entry to return (up to 8):\n"
     "                         a name as tables show it ('ns::f(int)', or 'ns::f' when unique),\n"
     "                         its ELF symbol (mangled), or its address (0x0800a1c4);\n"
     "                         without a core inference the calls are the table's rows\n"
     "  --clock MHZ            run the board at this core clock: the flash wait states follow\n"
     "                         the part's latency table (its reference manual), and the energy\n"
     "                         the run current per MHz\n"
     "  --max-ms MS, --max-uj UJ  budgets for the last inference's time and energy;\n"
     "  --max-ram, --max-flash, --max-stack BYTES  for the memory used and the stack\n"
     "                         (64K, 1.5M): a verdict line first, exit 1 when over\n"
     "  --layer-calls GLOB     the top-level calls of the functions whose name matches GLOB\n"
     "                         (a shell pattern: 'arm_*_s8', 'tvmgen_default_fused_*') are\n"
     "                         the layers, for runtimes tinysim does not recognise\n"
     "  --inference N          report inference N (0: the first to complete) instead of the\n"
     "                         last; every inference's total is reported either way\n"
     "  --max-cycles N         stop after N modelled cycles (exit 5); suffixes k, M, G\n"
     "  --max-insns N          stop after N instructions (exit 5)\n"
     "  --timeout SECONDS      stop after this much wall-clock time (exit 5)\n"
     "  -j, --json FILE|-      write the run report (schema " PROF_REPORT_SCHEMA "); '-' = stdout,\n"
     "                         the console and summary then go to stderr\n"
     "  -o, --output FILE      write the last inference's output tensor, read from target memory\n"
     "  --csv FILE             write the per-layer table of the last inference as CSV\n"
     "  --folded FILE|-        write the whole run's call stacks, collapsed (\"layer 4 CONV_2D;\n"
     "                         main;...;f CYCLES\": flamegraph.pl, speedscope)\n"
     "  --trace FILE|-         write a Chrome trace (Perfetto, chrome://tracing): inferences,\n"
     "                         layers and calls as slices on the simulated time axis, stack\n"
     "                         and arena counters\n"
     "  --html FILE|-          write the HTML report: one self-contained page with the summary,\n"
     "                         layer chart and table, memory, flame graph, instruction mix\n"
     "  --rate N/s|N/h         how often the model runs: average power (duty-cycled)\n"
     "  --battery MAH          with --rate: battery life on a battery of MAH mAh\n"
     "  --semihost-dir DIR     let the firmware open files under DIR (semihosting SYS_OPEN)\n"
     "  -q, --quiet            do not print the firmware's console output\n"
     "  --gdb [HOST:]PORT      serve gdb's remote protocol (default host 127.0.0.1; port 0:\n"
     "                         a free one, said on stderr); the firmware waits at the reset\n"
     "                         vector until gdb continues (target remote HOST:PORT); the\n"
     "                         report is that of an uninterrupted run\n"
     "Exit: 0 firmware exited 0, 1 exited non-zero, 3 bad ELF/board/model/input,\n"
     "4 firmware fault, 5 budget, timeout, interrupt or hang.\n",
     cli_run},
    {"check",
     "check FIRMWARE.elf --baseline BASE.json [--tolerance PCT] [--metric LIST]\n"
     "                   [--markdown FILE] [--verbose] [--allow-input-change] [run options]",
     "run a firmware and compare its per-layer figures with a baseline report",
     "  --baseline BASE.json   a report written by 'tinysim run FIRMWARE.elf --json BASE.json'\n"
     "                         (same schema, model, board, clock and input)\n"
     "  --tolerance PCT        how much a figure may grow before it counts as a regression\n"
     "                         (default 1%)\n"
     "  --metric LIST          what to compare: cycles,energy,stack,arena (all, the default),\n"
     "                         flash, ram (the memory used)\n"
     "  --markdown FILE        also write the result as Markdown (for a pull-request comment);\n"
     "                         a refused check writes why\n"
     "  -v, --verbose          list every figure compared, not only those that moved\n"
     "  --allow-input-change   compare with a baseline made on another input (a note says so)\n"
     "  run options            as for 'tinysim run' (--board, --model, --input, budgets...)\n"
     "Exit: 0 no regression beyond the tolerance, 1 regression, 2 usage, 3 unusable\n"
     "baseline (another schema, model, board, clock or input) or bad input, 4 fault, 5 budget.\n",
     cli_check},
    {"boards", "boards [--json | --export NAME]", "list the built-in board profiles",
     "  --json              print them as JSON (schema tinysim-boards/1)\n"
     "  --export NAME       print board NAME as a complete profile file, to edit and pass\n"
     "                      with --board FILE (it runs exactly as the built-in)\n", cli_boards},
    {"sweep",
     "sweep --boards LIST --models LIST [--clocks LIST] [--inputs LIST] [-j N] --json FILE\n"
     "                   [--csv FILE] [--html FILE] [--firmware TEMPLATE] [--out-dir DIR]\n"
     "                   [--max-ms MS] [--max-uj UJ] [--max-ram B] [--max-flash B] [--max-stack B]",
     "run a matrix of boards x clocks x models (x inputs) in parallel, and summarise it",
     "  --boards LIST          comma-separated built-in boards, or 'all'\n"
     "  --clocks LIST          core clocks in MHz, or 'default' (the board's own; default)\n"
     "  --models LIST          .tflite or .tsm files\n"
     "  --inputs LIST          input files, each run with every model (default: seed 1)\n"
     "  -j, --jobs N           runs at a time (default: one per core)\n"
     "  --json FILE            the summary (schema " PROF_SWEEP_SCHEMA "); each run's report and\n"
     "                         log go to FILE's name with .runs (or --out-dir DIR)\n"
     "  --csv FILE, --html FILE  the summary as CSV, and as a page with latency and energy\n"
     "                         against board and clock\n"
     "  --firmware TEMPLATE    the firmware of each board, {board} its name (default\n"
     "                         build/firmware/{board}/infer.elf)\n"
     "  --max-ms ... --timeout  passed to every run: budgets give each its verdict\n"
     "A combination that cannot run (a clock the part does not run at, a model too large) is a\n"
     "row saying why. Exit: 0 every run ok, 1 one over a budget, failed or refused, 2 usage,\n"
     "3 a model, input or firmware missing.\n",
     cli_sweep},
    {"merge", "merge REPORT.json... [--json FILE] [--csv FILE] [--html FILE]",
     "summarise run reports made anywhere (a CI matrix, GNU parallel) as a sweep does",
     "  REPORT.json            reports of 'tinysim run --json' (schema " PROF_REPORT_SCHEMA ")\n"
     "  --json, --csv, --html  the summary, as 'tinysim sweep' writes it\n"
     "Exit: 0 every run ok, 1 one over a budget or failed, 2 usage, 3 an unreadable report.\n",
     cli_merge},
    {"tui", "tui FIRMWARE.elf [run options]",
     "inspect a firmware layer by layer in a terminal screen",
     "  run options            as for 'tinysim run' (--board, --model, --input, budgets...)\n"
     "The screen: status line, layer table (Up/Down/PgUp/PgDn select, Enter on an empty\n"
     "prompt opens the layer), detail pane (F2: CPU registers and disassembly), command\n"
     "output and firmware console, and the prompt (the REPL's commands: type 'help').\n"
     "Ctrl-C pauses a run (and clears the prompt otherwise); 'quit' or Ctrl-D leaves.\n"
     "Needs a terminal of at least 80x24 (exit 2 without a terminal).\n",
     cli_tui},
    {"repl", "repl FIRMWARE.elf [run options]",
     "step through a firmware layer by layer at a command prompt",
     "  run options            as for 'tinysim run' (--board, --model, --input, budgets...)\n"
     "Commands: type 'help' at the prompt. On a terminal: line editing, history in\n"
     "~/.tinysim_history ($TINYSIM_HISTORY), Tab completion. Piped stdin is read as a script.\n"
     "Exit: 0, 2 when a piped command fails (the line is named), 3 bad firmware.\n",
     cli_repl},
    {"-x", "-x SCRIPT [--keep-going] [FIRMWARE.elf [run options]]",
     "run a script of REPL commands (one per line, # comments; SCRIPT - is stdin)",
     "  --keep-going           go on after a failing command (exit 2 at the end)\n"
     "Each command is echoed after '(tinysim) ', so the output reads as a transcript. The\n"
     "first failing command stops the script with SCRIPT:LINE on stderr and exit code 2.\n",
     cli_script},
    {NULL, NULL, NULL, NULL, NULL},
};

void cli_error(const char *fmt, ...)
{
    va_list ap;
    cli_stderr_begin(); /* on a line of its own, after what stdout already has */
    va_start(ap, fmt);
    fputs("tinysim: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

int cli_usage_error(const cli_command *c, const char *fmt, ...)
{
    va_list ap;
    cli_stderr_begin();
    va_start(ap, fmt);
    fprintf(stderr, "tinysim %s: ", c->name);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\nusage: tinysim %s\n(see 'tinysim help %s')\n", c->usage, c->name);
    va_end(ap);
    return TS_EXIT_USAGE;
}

/* `tinysim help` itself, for `tinysim help help`: main.c dispatches it and lists it after the
 * table, so it is not in the table (whose entries all have an exec). */
static const cli_command help_command = {
    "help", "help [COMMAND]", "show help for a command: tinysim help COMMAND",
    "  COMMAND             one of the commands 'tinysim help' lists; 'tinysim COMMAND --help'\n"
    "                      says the same\n",
    NULL};

const cli_command *cli_find(const char *name)
{
    for (const cli_command *c = cli_commands; c->name; c++)
        if (strcmp(c->name, name) == 0)
            return c;
    if (strcmp(name, "help") == 0)
        return &help_command;
    return NULL;
}

