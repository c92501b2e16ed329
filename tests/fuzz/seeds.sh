#!/bin/sh
# Seed corpora for the file-parser fuzz targets (tests/fuzz/fuzz_*.c), built from the
# project's own valid files after `make`: OUTDIR/{tflite,tsm,elf,board,json}_corpus.
# The hand-written seeds in tests/fuzz/<name>_corpus/ are meant to be passed alongside:
#     tests/fuzz/seeds.sh build/fuzz
#     cd build/fuzz && ./fuzz_board board_corpus ../../tests/fuzz/board_corpus
# Run from the repository root. Missing inputs (no cross compiler, no firmware built) are
# skipped with a note; nothing here is required for the others.
set -eu
out=${1:?usage: tests/fuzz/seeds.sh OUTDIR}
bin=${TINYSIM:-build/tinysim}
lib=${O:-build/host}
fw=build/firmware
tmp=$(mktemp -d "${TMPDIR:-/tmp}/tinysim-seeds-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
note() { echo "seeds.sh: $*" >&2; }
for d in tflite tsm elf board json; do mkdir -p "$out/${d}_corpus"; done

# ---- .tflite: the demo models
cp models/demo/*.tflite "$out/tflite_corpus/"

# ---- .tsm: the firmware's default model and every demo model converted
[ -f "$fw/default_model.tsm" ] && cp "$fw/default_model.tsm" "$out/tsm_corpus/"
for m in models/demo/*.tflite; do
    b=$(basename "$m" .tflite)
    "$bin" convert "$m" -o "$out/tsm_corpus/$b.tsm" >/dev/null || note "cannot convert $m"
done

# ---- ELF: the small samples for one board per core, without debug sections (the full
# files are over 100 KiB), and the ELF loader's test fixture built for every core
strip_debug() { # IN OUT
    if command -v arm-none-eabi-objcopy >/dev/null 2>&1; then
        arm-none-eabi-objcopy --strip-debug "$1" "$2"
    else
        cp "$1" "$2"
    fi
}
for b in nucleo-l4r5zi nucleo-g0b1re nucleo-f207zg nucleo-f746zg nucleo-u575zi; do
    for s in hello spin; do
        if [ -f "$fw/$b/$s.elf" ]; then
            strip_debug "$fw/$b/$s.elf" "$out/elf_corpus/$b-$s.elf"
        else
            note "no $fw/$b/$s.elf (make firmware)"
        fi
    done
done
if command -v arm-none-eabi-gcc >/dev/null 2>&1; then
    for c in "m0plus:-mcpu=cortex-m0plus -mfloat-abi=soft" "m3:-mcpu=cortex-m3 -mfloat-abi=soft" \
             "m4f:-mcpu=cortex-m4 -mfpu=fpv4-sp-d16 -mfloat-abi=hard" \
             "m7:-mcpu=cortex-m7 -mfpu=fpv5-d16 -mfloat-abi=hard" \
             "m33:-mcpu=cortex-m33 -mfpu=fpv5-sp-d16 -mfloat-abi=hard"; do
        # shellcheck disable=SC2086
        arm-none-eabi-gcc ${c#*:} -mthumb -Os -ffreestanding -nostdlib -nostartfiles \
            -T tests/sim/fixtures/mini.ld -Wl,--no-warn-rwx-segments \
            -o "$out/elf_corpus/mini-${c%%:*}.elf" tests/sim/fixtures/mini.c ||
            note "cannot build the fixture for ${c%%:*}"
    done
    arm-none-eabi-gcc -mcpu=cortex-a7 -marm -Os -ffreestanding -nostdlib -c \
        -o "$out/elf_corpus/mini-a7.o" tests/sim/fixtures/mini.c || true
else
    note "no arm-none-eabi-gcc: no fixture ELFs"
fi

# ---- board profiles: every built-in board written out by sim_board_to_profile
cat >"$tmp/boards.c" <<'EOF'
#include <stdio.h>
#include <stdlib.h>
#include "sim/board.h"
int main(int argc, char **argv)
{
    for (unsigned i = 0; i < sim_board_builtin_count() && argc > 1; i++) {
        const sim_board *b = sim_board_builtin(i);
        char path[4096], *p = sim_board_to_profile(b);
        snprintf(path, sizeof path, "%s/%s.board", argv[1], b->name);
        FILE *f = fopen(path, "w");
        if (f == NULL || fputs(p, f) == EOF || fclose(f) != 0)
            return 1;
        free(p);
    }
    return 0;
}
EOF
if ${CC:-cc} -I. -o "$tmp/boards" "$tmp/boards.c" "$lib/libsim.a" "$lib/libmodels.a" -lm; then
    "$tmp/boards" "$out/board_corpus"
else
    note "cannot build the board writer (make first)"
fi

# ---- JSON: run reports (hello: no inference; infer: four layers), and pairs for
# check_compare (fuzz_json splits an input at a 0xFF byte): a report and the same with
# every cycle count ten times larger
j=$out/json_corpus
if [ -f "$fw/nucleo-l4r5zi/hello.elf" ]; then
    "$bin" run "$fw/nucleo-l4r5zi/hello.elf" --json "$j/hello.json" -q >/dev/null 2>&1 || true
    "$bin" run "$fw/nucleo-l4r5zi/infer.elf" --model models/demo/float_io_demo.tflite \
        --json "$j/infer.json" -q >/dev/null 2>&1 || true
    "$bin" boards --json >"$j/boards.json" 2>/dev/null || true
    for r in hello infer; do
        [ -s "$j/$r.json" ] || { note "no $r report"; continue; }
        sed 's/"cycles": \([0-9][0-9]*\)/"cycles": \10/' "$j/$r.json" >"$tmp/slow.json"
        { cat "$j/$r.json"; printf '\377'; cat "$tmp/slow.json"; } >"$j/$r-pair-regressed"
        { cat "$tmp/slow.json"; printf '\377'; cat "$j/$r.json"; } >"$j/$r-pair-improved"
    done
else
    note "no firmware built: no reports"
fi
for d in tflite tsm elf board json; do
    echo "$out/${d}_corpus: $(ls "$out/${d}_corpus" | wc -l) files, $(du -sk "$out/${d}_corpus" | cut -f1) KiB"
done
