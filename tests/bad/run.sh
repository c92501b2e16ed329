#!/bin/sh
# The bad-input corpus (issue 6): ELF files, models, inputs, baselines, board profiles,
# scripts and misbehaving firmware that tinysim must refuse with the right exit code and a
# precise message, never crashing or hanging. Every case is listed in tests/bad/README.md.
# The corpus is made here from the project's own files: helpers tests/bad/patch.c (byte
# surgery, CRC) and tests/bad/mkbad.c (models, with the project's TFLite writer) are built
# with the host cc; the firmware samples crash and shbad misbehave on request (stdin).
#
# usage: tests/bad/run.sh TINYSIM [FIRMWARE_DIR]     (from the top of the tree)
set -u
BIN=${1:?usage: run.sh TINYSIM [FIRMWARE_DIR]}
FW=${2:-build/firmware}
SHARED=${TINYSIM_SHARED:-../shared}
HERE=$(dirname "$0")
CC=${CC:-cc}
CROSS=${CROSS:-arm-none-eabi-}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/tinysim-bad.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
. "$HERE/../lib.sh"

# ---- helpers
if ! $CC -std=c11 -O1 -o "$TMP/patch" "$HERE/patch.c" 2>"$TMP/cc.txt"; then
    bad "cannot build tests/bad/patch.c"; cat "$TMP/cc.txt"
    printf 'bad: %d passed, %d failed\n' "$pass" "$fail"; exit 1
fi
P=$TMP/patch
# mkbad links the libraries next to TINYSIM (build/host, or build/asan with its sanitizers;
# build/tinysim is a symbolic link into build/host)
LIB=$(dirname "$BIN")
if [ ! -f "$LIB/libmodels.a" ] && [ -L "$BIN" ]; then
    LIB=$LIB/$(dirname "$(readlink "$BIN")")
fi
[ -f "$LIB/libmodels.a" ] || LIB=build/host
for san in "" "-fsanitize=address,undefined"; do
    if $CC -std=c11 -O1 -I. -D_DEFAULT_SOURCE $san -o "$TMP/mkbad" "$HERE/mkbad.c" \
        "$LIB/libmodels.a" "$LIB/libcore.a" -lm 2>"$TMP/cc.txt"; then break; fi
done
if [ -x "$TMP/mkbad" ] && "$TMP/mkbad" "$TMP" 2>"$TMP/cc.txt"; then ok; else
    bad "cannot build or run tests/bad/mkbad.c against $LIB/libmodels.a"; cat "$TMP/cc.txt"; fi

L4=$FW/nucleo-l4r5zi
G0=$FW/nucleo-g0b1re
H=$L4/hello.elf
for f in "$H" "$L4/infer.elf" "$L4/spin.elf" "$L4/crash.elf" "$L4/shbad.elf" "$G0/crash.elf" \
         "$FW/nucleo-f746zg/infer.elf" "$G0/infer.elf"; do
    [ -f "$f" ] || { bad "$f missing: make firmware"; printf 'bad: %d passed, %d failed\n' "$pass" "$fail"; exit 1; }
done

# ===================================================================== ELF
# run an ELF on the L4 board, bounded
elf() { expect "$1" "$2" "$3" -- "$BIN" run "$4" -q --timeout 5 --board nucleo-l4r5zi; }

: >"$TMP/empty.elf"
elf 3 "empty file (0 bytes)" "ELF: empty file" "$TMP/empty.elf"
printf 'not a firmware\n' >"$TMP/text.elf"
elf 3 "not an ELF file (it looks like text)" "ELF: a text file" "$TMP/text.elf"
# truncated: inside the ELF header, inside the program headers (4 entries from byte 52),
# inside segment 0 (file offset 0x1000; the section table at the end is cut off first), and
# inside segment 0 of a copy without section headers (so the segment itself is refused)
head -c 10 "$H" >"$TMP/cut10.elf"
elf 3 "truncated ELF header (10 of 52 bytes)" "ELF: truncated in the ELF header" "$TMP/cut10.elf"
head -c 100 "$H" >"$TMP/cut100.elf"
elf 3 "program header table (offset 0x34, 4 entries) extends past the end of the file (100 bytes)" \
    "ELF: truncated in the program headers" "$TMP/cut100.elf"
head -c 5000 "$H" >"$TMP/cut5000.elf"
elf 3 "section header table (offset 0x[0-9a-f]*) is past the end of the file (5000 bytes): the file is truncated" \
    "ELF: truncated in a segment" "$TMP/cut5000.elf"
cp "$H" "$TMP/nosh.elf"
"$P" set "$TMP/nosh.elf" 32 4 0 && "$P" set "$TMP/nosh.elf" 48 2 0 && "$P" set "$TMP/nosh.elf" 50 2 0
head -c 5000 "$TMP/nosh.elf" >"$TMP/nosh-cut.elf"
elf 3 "segment 0 (PT_LOAD, file offset 0x1000, [0-9]* bytes) extends past the end of the file (5000 bytes)" \
    "ELF: truncated in a segment, no section headers" "$TMP/nosh-cut.elf"
elf 0 "exit  *status 0" "ELF: no section headers at all is fine" "$TMP/nosh.elf"

# deterministic field flips: flip NAME OFFSET WIDTH VALUE [OFFSET WIDTH VALUE] CODE PATTERN
# (ELF32 header: e_type 16, e_machine 18, e_phoff 28, e_shoff 32, e_phentsize 42, e_phnum 44,
# e_shentsize 46, e_shnum 48; program header i at 52 + 32 i: p_offset +4, p_vaddr +8,
# p_paddr +12, p_filesz +16, p_memsz +20)
flip() {
    name=$1
    shift
    cp "$H" "$TMP/flip.elf"
    while [ $# -gt 2 ]; do "$P" set "$TMP/flip.elf" "$1" "$2" "$3"; shift 3; done
    elf "$1" "$2" "ELF: $name" "$TMP/flip.elf"
}
flip "bad magic" 0 1 0x7e 3 "no ELF magic number"
flip "ELFCLASS64 header" 4 1 2 3 "64-bit ELF (ELFCLASS64"
flip "big-endian" 5 1 2 3 "big-endian ELF"
flip "ET_REL" 16 2 1 3 "a relocatable object (ET_REL)"
flip "e_machine x86-64" 18 2 62 3 "not an ARM ELF (machine x86-64)"
flip "e_phoff past the end" 28 4 0xffffff00 3 "program header table (offset 0xffffff00, 4 entries) extends past the end of the file"
flip "e_phnum 0" 44 2 0 3 "no program headers, so nothing to load"
flip "e_phnum 0xffff" 44 2 0xffff 3 "too many program headers (extended numbering)"
flip "e_phentsize 40" 42 2 40 3 "program header entry size 40 (expected 32)"
flip "e_shoff past the end" 32 4 0xfffffff0 3 "section header table (offset 0xfffffff0) is past the end of the file"
flip "e_shoff misaligned" 32 4 3 3 "section .* extends past the end of the file"
flip "e_shnum 0xffff" 48 2 0xffff 3 "section header table (offset 0x[0-9a-f]*, 65535 entries) extends past the end of the file"
flip "e_shnum 1" 48 2 1 3 "section name table index [0-9]* is out of range (1 sections)"
flip "e_shentsize 0" 46 2 0 3 "section header entry size 0 (expected 40)"
flip "p_filesz past the end" 68 4 0xffffff00 3 "segment 0 (PT_LOAD, file offset 0x1000, 4294967040 bytes) extends past the end of the file"
flip "p_offset past the end" 56 4 0xfffffff0 3 "segment 0 (PT_LOAD, file offset 0xfffffff0, [0-9]* bytes) extends past the end"
flip "p_filesz > p_memsz" 100 4 0x80 3 "segment 1 has 128 bytes in the file but only 100 in memory"
flip "p_vaddr outside memory" 60 4 0x60000000 64 4 0x60000000 3 \
    "segment 0 (load address 0x60000000, run address 0x60000000, [0-9]* bytes) is outside board nucleo-l4r5zi's memory"
flip "p_vaddr at the top of the address space" 92 4 0xfffff000 3 "run address 0xfffff000, 100 bytes) is outside board nucleo-l4r5zi's memory"
flip "p_memsz past 4 GiB" 104 4 0xfffffff0 3 "runs past the 4 GiB address space"
flip "p_type of the code segment" 52 4 0x70000001 3 "initial SP 0xffffffff is not a word-aligned RAM address"

# seeded single-byte flips: anything but a crash, a hang or a usage error (the board is given):
# 0 or 1 (ran), 3 (refused), 4 (faulted), 5 (budget). Offsets: the ELF header, the first
# 4 KiB (headers and padding), the section header table, anywhere.
shoff=$("$P" get "$H" 32 4)
size=$(wc -c <"$H" | tr -d ' ')
seed=1
while [ $seed -le 120 ]; do
    case $((seed % 4)) in
    0) range="0 4096" ;;
    1) range="$shoff $size" ;;
    2) range="" ;;
    3) range="0 52" ;;
    esac
    # shellcheck disable=SC2086
    where=$("$P" flip "$H" "$TMP/rnd.elf" $seed $range)
    $LIMIT "$BIN" run "$TMP/rnd.elf" -q --timeout 5 --max-cycles 50M --board nucleo-l4r5zi \
        >"$TMP/out" 2>&1
    rc=$?
    if grep -q "AddressSanitizer\|LeakSanitizer\|runtime error:" "$TMP/out"; then
        bad "ELF: seeded flip $seed (offset, old, new: $where): sanitizer report"
        sed 's/^/    /' "$TMP/out" | head -n 20
    else
        case $rc in
        0 | 1 | 3 | 4 | 5) ok ;;
        *) bad "ELF: seeded flip $seed (offset, old, new: $where): exit $rc"
           sed 's/^/    /' "$TMP/out" | tail -n 10 ;;
        esac
    fi
    seed=$((seed + 1))
done

# other machines and profiles
if [ -f /bin/true ] && head -c 5 /bin/true | grep -q "ELF"; then
    expect 3 "64-bit ELF (ELFCLASS64" "ELF: the host's /bin/true" -- "$BIN" run /bin/true
else
    echo "SKIP: /bin/true is not an ELF file here"
fi
if "${CROSS}gcc" -mcpu=cortex-a7 -marm -nostdlib -o "$TMP/a7.elf" "$HERE/a7.s" 2>"$TMP/cc.txt"; then
    expect 2 "does not say which board it was built for (no .note.tinysim.board section): pass --board NAME" \
        "ELF: Cortex-A7 ELF, no board note" -- "$BIN" run "$TMP/a7.elf" --timeout 5
    expect 3 "the ELF is built for an A-profile (application) processor, not a Cortex-M" \
        "ELF: Cortex-A7 ELF on a Cortex-M board" -- "$BIN" run "$TMP/a7.elf" --board nucleo-l4r5zi --timeout 5
else
    bad "cannot assemble tests/bad/a7.s with ${CROSS}gcc"; cat "$TMP/cc.txt"
fi
# segments outside the board's memory (moved by objcopy), and firmware for another core
"${CROSS}objcopy" --change-section-address .rodata=0x60000000 "$H" "$TMP/rodata-out.elf" 2>/dev/null
elf 3 "segment 1 (load address 0x60000000, run address 0x60000000, [0-9]* bytes) is outside board nucleo-l4r5zi's memory" \
    "ELF: .rodata moved outside memory" "$TMP/rodata-out.elf"
"${CROSS}objcopy" --change-section-address .data=0x30000000 "$H" "$TMP/data-out.elf" 2>/dev/null
elf 3 "run address 0x30000000, 100 bytes) is outside board nucleo-l4r5zi's memory" \
    "ELF: .data moved outside memory" "$TMP/data-out.elf"
expect 3 "built for v7E-M (with FPU) but board nucleo-g0b1re has a Cortex-M0+" \
    "ELF: the M7 infer.elf on the M0+ board" -- \
    "$BIN" run "$FW/nucleo-f746zg/infer.elf" --board nucleo-g0b1re --timeout 5 -q
"${CROSS}objcopy" --remove-section .note.tinysim.board "$H" "$TMP/nonote.elf"
expect 2 "does not say which board it was built for (no .note.tinysim.board section): pass --board NAME" \
    "ELF: no board note and no --board" -- "$BIN" run "$TMP/nonote.elf" --timeout 5
expect 0 "exit  *status 0" "ELF: no board note, with --board" -- \
    "$BIN" run "$TMP/nonote.elf" --board nucleo-l4r5zi --timeout 5 -q
expect 3 "cannot open" "ELF: a missing file" -- "$BIN" run "$TMP/none.elf" --board nucleo-l4r5zi

# ===================================================================== models
I=$L4/infer.elf
# model CODE PATTERN WHAT FILE: inspect, convert and run (on the L4 infer sample) refuse it
model() {
    expect "$1" "$2" "$3 (inspect)" -- "$BIN" inspect "$4"
    expect "$1" "$2" "$3 (convert)" -- "$BIN" convert "$4" -o "$TMP/conv.tsm"
    expect "$1" "$2" "$3 (run)" -- "$BIN" run "$I" --model "$4" -q --timeout 5
}
"$BIN" convert models/demo/kws_demo.tflite -o "$TMP/good.tsm" >/dev/null 2>&1 || bad "convert kws_demo"
# tsm NAME OFFSET WIDTH VALUE PATTERN: one header field set (CRC fixed unless it is the CRC)
tsm() {
    cp "$TMP/good.tsm" "$TMP/field.tsm"
    "$P" set "$TMP/field.tsm" "$2" "$3" "$4"
    [ "$2" = 12 ] || "$P" crc "$TMP/field.tsm"
    model 3 "$5" ".tsm: $1" "$TMP/field.tsm"
}
tsm "magic" 0 4 0x314D5355 "no TSM1 magic"
tsm "version 2" 4 2 2 "unsupported .tsm format version (field version"
tsm "header_size 64" 6 2 64 "header field out of range (field header_size"
tsm "total_size past the end of the file" 8 4 36964 "image truncated (field total_size"
tsm "total_size below the header" 8 4 40 "header field out of range (field total_size"
tsm "total_size short of its tables" 8 4 1000 "out of range (field \(total_size\|tensors_off\)"
tsm "crc32" 12 4 1 "checksum mismatch: corrupt image (field crc32"
tsm "flags" 16 4 1 "header field out of range (field flags"
tsm "n_tensors 0" 20 4 0 "header field out of range (field n_tensors"
tsm "n_tensors 5000" 20 4 5000 "header field out of range (field n_tensors"
tsm "tensors_off past the end" 24 4 36950 "header field out of range (field tensors_off"
tsm "tensors_off misaligned" 24 4 82 "header field out of range (field tensors_off"
tsm "n_layers 0" 28 4 0 "header field out of range (field n_layers"
tsm "n_layers 3000" 28 4 3000 "header field out of range (field n_layers"
tsm "layers_off past the end" 32 4 0x7ffffff0 "header field out of range (field layers_off"
tsm "data_off misaligned" 36 4 2130 "header field out of range (field data_off"
tsm "data_size past the end" 40 4 40000 "header field out of range (field data_size"
tsm "strings_off past the end" 44 4 40000 "header field out of range (field strings_off"
tsm "strings_size 0" 48 4 0 "header field out of range (field strings_size"
tsm "arena_size 0" 52 4 0 "tensor 0: tensor record out of range (field offset"
tsm "n_inputs 0" 56 2 0 "header field out of range (field n_inputs"
tsm "n_inputs 9" 56 2 9 "header field out of range (field n_inputs"
tsm "n_outputs 0" 58 2 0 "header field out of range (field n_outputs"
tsm "n_outputs 20" 58 2 20 "header field out of range (field n_outputs"
tsm "io_off outside data" 60 4 0x7fffff00 "header field out of range (field io_off"
tsm "name outside the strings" 64 4 99999 "header field out of range (field name"
tsm "reserved" 68 4 5 "header field out of range (field reserved"
# an arena of 4 GiB is a valid header; the firmware cannot provide it
cp "$TMP/good.tsm" "$TMP/arena.tsm"
"$P" set "$TMP/arena.tsm" 52 4 0xffffff00 && "$P" crc "$TMP/arena.tsm"
expect 3 "needs an arena of 4,294,967,040 bytes but .* provides 609,984 bytes on board nucleo-l4r5zi" \
    ".tsm: arena_size 4 GiB (run)" -- "$BIN" run "$I" --model "$TMP/arena.tsm" -q --timeout 5
head -c 20000 "$TMP/good.tsm" >"$TMP/cut.tsm"
model 3 "image truncated (field total_size" ".tsm: truncated" "$TMP/cut.tsm"
head -c 40 "$TMP/good.tsm" >"$TMP/cut40.tsm"
model 3 "image truncated (field header" ".tsm: truncated in the header" "$TMP/cut40.tsm"

# .tflite: an int16 SVDF (unsupported op), truncated files, bad FlatBuffer offsets
model 3 "cannot convert: 1 of the model's 1 layers uses an op or type tinysim does not run" ".tflite: int16 SVDF" \
    "$TMP/svdf_int16.tflite"
head -c 7 models/demo/kws_demo.tflite >"$TMP/cut7.tflite"
model 3 "not a model: neither a .tflite file (no TFL3 identifier at byte 4)" ".tflite: truncated to 7 bytes" \
    "$TMP/cut7.tflite"
head -c 100 models/demo/kws_demo.tflite >"$TMP/cut100.tflite"
model 3 "malformed .tflite file: model: description offset [0-9]* at byte 0x2c points past end of file (size 100)" \
    ".tflite: truncated to 100 bytes" "$TMP/cut100.tflite"
head -c 30000 models/demo/kws_demo.tflite >"$TMP/cut30k.tflite"
model 3 "malformed .tflite file: buffer [0-9]*: data vector at byte 0x[0-9a-f]* ([0-9]* elements) extends past end of file (size 30000)" \
    ".tflite: truncated in a buffer" "$TMP/cut30k.tflite"
cp models/demo/kws_demo.tflite "$TMP/root.tflite"
"$P" set "$TMP/root.tflite" 0 4 0x7fffff00
model 3 "malformed .tflite file: model: root table offset 2147483392 points past end of file" \
    ".tflite: bad root offset" "$TMP/root.tflite"
cp models/demo/kws_demo.tflite "$TMP/vtable.tflite"
"$P" set "$TMP/vtable.tflite" "$("$P" get "$TMP/vtable.tflite" 0 4)" 4 0x40000000
model 3 "malformed .tflite file: model: model table at byte 0x[0-9a-f]*: vtable offset 1073741824 points before the start of the file" \
    ".tflite: bad vtable offset" "$TMP/vtable.tflite"
printf 'not a model\n' >"$TMP/text.tflite"
model 3 "not a model: neither a .tflite file" ".tflite: a text file" "$TMP/text.tflite"

# larger than the flash slot: 600 KiB of weights on the 512 KiB-flash M0+ board
expect 3 "model .*fc_600k.tflite compiles to 617,216 bytes but the model slot of .* holds [0-9,]* bytes (0x[0-9a-f]*-0x08080000): [0-9,]* bytes too large for board nucleo-g0b1re" \
    "model larger than the slot (nucleo-g0b1re)" -- \
    "$BIN" run "$G0/infer.elf" --model "$TMP/fc_600k.tflite" -q --timeout 5
grep -q "; it fits on nucleo-l4r5zi, nucleo-f746zg, nrf52840-dk, nucleo-u575zi, nucleo-f207zg (with this firmware's code" "$TMP/out" &&
    ok || bad "a model too large names the boards it fits"

# inputs of the wrong size, for infer and run
head -c 489 models/demo/kws_demo_input.bin >"$TMP/in489.bin"
expect 3 "is 489 bytes; input 0 of models/demo/kws_demo.tflite is tensor 0 'input' INT8 \[1x49x10x1\] (490 bytes), so it must be 490 bytes" \
    "infer: input one byte short" -- \
    "$BIN" infer models/demo/kws_demo.tflite --input "$TMP/in489.bin" --output "$TMP/o.bin"
: >"$TMP/in0.bin"
expect 3 "input .*in0.bin is 0 bytes but the model's tensor 0 'input' INT8 \[1x49x10x1\] (490 bytes): it must be exactly 490 bytes" \
    "run: empty input" -- "$BIN" run "$I" --model models/demo/kws_demo.tflite --input "$TMP/in0.bin" -q --timeout 5
expect 3 "cannot open" "run: missing input file" -- \
    "$BIN" run "$I" --model models/demo/kws_demo.tflite --input "$TMP/none.bin" -q --timeout 5

# the MLPerf Tiny models, when ../shared is there
if [ -f "$SHARED/models/vww_96_int8.tflite" ]; then
    head -c 100000 "$SHARED/models/vww_96_int8.tflite" >"$TMP/vww-cut.tflite"
    expect 3 "malformed .tflite file: .*past end of file (size 100000)" "MLPerf: truncated vww_96_int8" -- \
        "$BIN" inspect "$TMP/vww-cut.tflite"
    expect 3 "is 490 bytes; input 0 of .*vww_96_int8.tflite is tensor 0 .*, so it must be 27648 bytes" \
        "MLPerf: vww_96_int8 with the KWS demo's input" -- \
        "$BIN" infer "$SHARED/models/vww_96_int8.tflite" --input models/demo/kws_demo_input.bin --output "$TMP/o.bin"
    expect 3 "input .* is 490 bytes but the model's tensor 0 .*: it must be exactly 640 bytes" \
        "MLPerf: ad01_int8 in the firmware with the KWS demo's input" -- \
        "$BIN" run "$I" --model "$SHARED/models/ad01_int8.tflite" --input models/demo/kws_demo_input.bin -q --timeout 5
else
    echo "SKIP: MLPerf Tiny bad-input cases: $SHARED not found"
fi

# ===================================================================== check baselines
"$BIN" run "$I" -q --json "$TMP/base.json" >/dev/null 2>&1 || bad "baseline run"
check() { expect 3 "$1" "check: $2" -- "$BIN" check "$I" -q --timeout 10 --baseline "$3"; }
printf 'hello\n' >"$TMP/nj.json"
check "baseline .*nj.json is not a JSON report: line 1, column 1: expected a value, found 'h'" "not JSON" "$TMP/nj.json"
: >"$TMP/empty.json"
check "is not a JSON report: line 1, column 1: expected a value, found the end of the input" "an empty file" "$TMP/empty.json"
head -c 2000 "$TMP/base.json" >"$TMP/cut.json"
check "is not a JSON report: line [0-9]*, column [0-9]*: .*the end of the input" "a truncated report" "$TMP/cut.json"
"$BIN" inspect --json models/demo/kws_demo.tflite >"$TMP/inspect.json" 2>/dev/null
check "has schema \"tinysim-inspect/1\", and this tinysim reads tinysim-report/1" "JSON of another schema" "$TMP/inspect.json"
printf '{"a": 1}\n' >"$TMP/noschema.json"
check "has no \"schema\": it is not a tinysim report" "JSON without a schema" "$TMP/noschema.json"
printf '[1, 2]\n' >"$TMP/array.json"
check "holds an array, not a tinysim report" "a JSON array" "$TMP/array.json"
sed '/"board": {/,/}/s/"name": "nucleo-l4r5zi"/"name": "nucleo-f746zg"/' "$TMP/base.json" >"$TMP/f7.json"
check "baseline ran on nucleo-f746zg, this run on nucleo-l4r5zi: compare runs on the same board" \
    "a report of another board" "$TMP/f7.json"
sed 's/"model": "kws_demo"/"model": "other_model"/' "$TMP/base.json" >"$TMP/model.json"
check "the model differs: baseline ran other_model, this run kws_demo" "a report of another model" "$TMP/model.json"
sed '/"layers": \[/,$s/"cycles": [0-9]*/"cycles": "many"/' "$TMP/base.json" >"$TMP/type.json"
check "baseline: layers\[0\].cycles is a string, expected a number" "a figure of the wrong type" "$TMP/type.json"
check "cannot open" "a missing baseline" "$TMP/none.json"

# ===================================================================== board profiles
cat >"$TMP/good.board" <<EOB
name = test-l4
mcu = STM32L4R5ZI
core = cortex-m4f
clock_mhz = 120
region = flash flash 0x08000000 2M ws=5 alias=0x00000000
region = sram ram 0x20000000 640K
vdd_v = 1.8
run_ua_per_mhz = 189
flash_width = 8
EOB
expect 0 "exit  *status 0" "board: the good profile runs" -- "$BIN" run "$H" --board "$TMP/good.board" -q
# board SED PATTERN WHAT: the good profile edited by SED is refused with PATTERN
board() {
    sed "$1" "$TMP/good.board" >"$TMP/b.board"
    expect 3 "$2" "board: $3" -- "$BIN" run "$H" --board "$TMP/b.board" -q --timeout 5
}
board 's/^mcu/mcux/' "b.board:2: unknown key 'mcux' (keys: name, mcu" "a bad key"
# shellcheck disable=SC2016
board '$a\
region = sram2 ram 0x20090000 64K' "b.board:10: region 'sram2' overlaps 'sram' (0x20000000-0x2009ffff)" "overlapping regions"
board '/region = flash/d' "b.board: no flash region (add 'region = flash flash BASE SIZE')" "no flash region"
board 's/640K/641K/' "b.board:6: region 'sram' size 656384 (0xa0400) is not a multiple of 4 KiB" "RAM size not a multiple of 4 KiB"
board 's/ 2M / 2047K /' "b.board:5: region 'flash' size 2096128 (0x1ffc00) is not a multiple of 4 KiB" "flash size not a multiple of 4 KiB"
board 's/0x20000000/0x20000800/' "b.board:6: region 'sram' base 0x20000800 is not a multiple of 4 KiB" "base not a multiple of 4 KiB"
board 's/clock_mhz = 120/clock_mhz = 100000/' "b.board:4: clock_mhz '100000' is out of range (1 kHz to 1 GHz)" "a 100 GHz clock"
board 's/clock_mhz = 120/clock_mhz = 0/' "b.board:4: clock_mhz '0' is out of range (1 kHz to 1 GHz)" "a 0 MHz clock"
board 's/clock_mhz = 120/clock_mhz = fast/' "b.board:4: clock_mhz 'fast' is not a number" "a clock that is not a number"
board 's/cortex-m4f/cortex-a7/' "b.board:3: unknown core 'cortex-a7'" "an unknown core"
# shellcheck disable=SC2016
board '$a\
garbage line' "b.board:10: expected KEY = VALUE, got 'garbage line'" "a line without '='"
board '/^core/d' "b.board: no 'core = ...' line" "no core"
expect 3 "cannot open board profile .*none.board" "board: a missing profile" -- \
    "$BIN" run "$H" --board "$TMP/none.board" -q
expect 2 "unknown board 'nosuchboard'" "board: an unknown built-in name" -- \
    "$BIN" run "$H" --board nosuchboard -q

# ===================================================================== scripts (-x)
printf 'echo "unterminated\n' >"$TMP/dq.tss"
expect 2 "unbalanced \" quote (opened at column 6)" "script: unbalanced double quote" -- "$BIN" -x "$TMP/dq.tss"
printf "echo 'unterminated\n" >"$TMP/sq.tss"
expect 2 "unbalanced ' quote (opened at column 6)" "script: unbalanced single quote" -- "$BIN" -x "$TMP/sq.tss" "$H" -q
printf 'echo one\nfrobnicate 1 2\necho three\n' >"$TMP/unknown.tss"
expect 2 "unknown command 'frobnicate'" "script: unknown command" -- "$BIN" -x "$TMP/unknown.tss"
grep -q "unknown.tss:2: 'frobnicate 1 2' failed" "$TMP/out" && ok || bad "script: the failing line is not named"
expect 3 "cannot open script .*none.tss" "script: a script that does not exist" -- "$BIN" -x "$TMP/none.tss"

# ===================================================================== misbehaving firmware
S=$L4/spin.elf
expect 5 "cycle budget reached at 0x[0-9a-f]* (spin_forever" "spin: --max-cycles" -- "$BIN" run "$S" -q --max-cycles 2M
expect 5 "wall-clock timeout reached at 0x[0-9a-f]* (spin_forever" "spin: --timeout" -- "$BIN" run "$S" -q --timeout 0.3
expect 5 "instruction budget reached at 0x[0-9a-f]* (spin_forever" "spin: --max-insns" -- "$BIN" run "$S" -q --max-insns 100k

C=$L4/crash.elf
crash() { expect "$1" "$2" "crash $3 ($4)" -- feed "$3" "$BIN" run "$5" --timeout 5; }
crash 4 "undefined or unsupported instruction for the Cortex-M4F" udf L4 "$C"
crash 4 "crash_udf: udf" udf L4 "$C"
crash 4 "BKPT #1: without a debugger attached, silicon escalates it to a HardFault" bkpt L4 "$C"
crash 4 "execution at 0x60000000, outside executable memory" jump L4 "$C"
crash 4 "execution at 0xe000e000, in the execute-never system region" ppb L4 "$C"
crash 4 "0x2000[0-9a-f]*: udf #0xde" ram L4 "$C"
crash 4 "execution in ARM state at .*INVSTATE" arm L4 "$C"
crash 4 "write to unmapped address 0x1fffff[0-9a-f]*" stack L4 "$C"
crash 4 "crash_recurse" stack L4 "$C"
crash 0 "CCR.DIV_0_TRP, which the simulator does not model" div0 L4 "$C"
crash 1 "give one of udf" nothing L4 "$C"
crash 4 "undefined or unsupported instruction for the Cortex-M0+" udf G0 "$G0/crash.elf"
crash 4 "execution at 0xe000e000, outside executable memory" ppb G0 "$G0/crash.elf"
crash 4 "write to unmapped address" stack G0 "$G0/crash.elf"

B=$L4/shbad.elf
shcall() { expect 4 "$2" "semihosting: $1" -- feed "$1" "$BIN" run "$B" --timeout 5; }
shcall write-ptr "semihosting SYS_WRITE: buffer 0x70000000 (16 bytes) refused: 0x70000000 is outside the board's memory"
shcall write-wrap "semihosting SYS_WRITE: buffer 0x2000[0-9a-f]* (4294967280 bytes) refused: .* wraps past the end of the 4 GiB address space"
shcall write0-ptr "semihosting SYS_WRITE0: the string at 0x70000000 is outside the board's memory"
shcall block-ptr "semihosting SYS_WRITE: parameter block at 0x70000000 is outside memory"
shcall open-long "semihosting SYS_OPEN: file name at 0x2000[0-9a-f]* is 5000 bytes long, more than the 1024"
shcall open-end "semihosting SYS_OPEN: file name at 0x2009ffc0 (128 bytes) refused: it runs past the end of memory at 0x200a0000"
shcall read-flash "semihosting SYS_READ: buffer 0x08000000 (16 bytes) refused: 0x08000000 is in flash, which is read-only"
shcall read-ptr "semihosting SYS_READ: buffer 0x70000000 (16 bytes) refused: 0x70000000 is outside the board's memory"
shcall elapsed-flash "semihosting SYS_ELAPSED: buffer 0x08000000 (8 bytes) refused: 0x08000000 is in flash"
shcall unknown-op "unknown semihosting operation 0x99"
grep -q "ts_sh_call" "$TMP/out" && ok || bad "semihosting: the refused call's report does not say where"

# files: only under --semihost-dir, no "..", no absolute paths, no symbolic links out
D=$TMP/shdir
mkdir -p "$D/sub"
echo "inside the directory" >"$D/ok.txt"
echo "inside too" >"$D/sub/ok.txt"
echo "secret" >"$TMP/secret.txt"
ln -s "$TMP/secret.txt" "$D/link"
ln -s "$TMP" "$D/dirlink"
sho() { expect "$1" "$2" "semihosting: open $3" -- feed "open $3" "$BIN" run "$B" --timeout 5 --semihost-dir "$D"; }
sho 0 "opened 'ok.txt': inside the directory" ok.txt
sho 0 "opened 'sub/ok.txt': inside too" sub/ok.txt
sho 1 "SYS_OPEN of 'sub/../ok.txt' refused: only paths inside .*shdir are allowed" sub/../ok.txt
sho 1 "SYS_OPEN of '../secret.txt' refused: only paths inside .*shdir are allowed" ../secret.txt
sho 1 "SYS_OPEN of 'sub/../../secret.txt' refused: only paths inside .*shdir are allowed" sub/../../secret.txt
sho 1 "SYS_OPEN of '$TMP/secret.txt' refused: only paths inside .*shdir are allowed" "$TMP/secret.txt"
sho 1 "SYS_OPEN of 'link' refused: 'link' is a symbolic link" link
sho 1 "SYS_OPEN of 'dirlink/secret.txt' refused: 'dirlink' is a symbolic link" dirlink/secret.txt
expect 1 "SYS_OPEN of 'ok.txt' refused: file access is off" "semihosting: open without --semihost-dir" -- \
    feed "open ok.txt" "$BIN" run "$B" --timeout 5 -q
expect 3 "semihost-dir .*nodir: No such file or directory" "semihosting: a missing --semihost-dir" -- \
    feed "open ok.txt" "$BIN" run "$B" --timeout 5 -q --semihost-dir "$TMP/nodir"
expect 3 "semihost-dir .*ok.txt: not a directory" "semihosting: --semihost-dir of a file" -- \
    feed "open ok.txt" "$BIN" run "$B" --timeout 5 -q --semihost-dir "$D/ok.txt"

printf 'bad: %d passed, %d failed\n' "$pass" "$fail"
[ "$fail" -eq 0 ]
