#!/bin/sh
# Make tests/ops/golden/: TFLM's outputs for the single-op test models that mkops writes.
# Needs the oracle (scripts/oracle/README.md). Writes, for every case NAME,
# tests/ops/golden/NAME_output_K.bin, and tests/ops/golden/MANIFEST: one line per case,
# "NAME SHA256-of-the-model-and-its-inputs" (and of "invokes N" for a case mkops runs N
# times), with which tests/ops/ops.sh checks that a golden file still belongs to what mkops
# generates.
#
# usage: scripts/oracle/mkgolden.sh MKOPS TFLM_RUN
set -eu
MKOPS=${1:?usage: mkgolden.sh MKOPS TFLM_RUN}
RUN=${2:?usage: mkgolden.sh MKOPS TFLM_RUN}
G=tests/ops/golden
T=$(mktemp -d "${TMPDIR:-/tmp}/tinysim-mkgolden.XXXXXX")
trap 'rm -rf "$T"' EXIT
"$MKOPS" "$T/cases" >"$T/names"
rm -rf "$G"
mkdir -p "$G"
while read -r n inv; do
    ins=$(ls "$T/cases/${n}"_input_*.bin | sort)
    rm -rf "$T/out" && mkdir "$T/out"
    # shellcheck disable=SC2086
    "$RUN" --invokes "${inv:-1}" "$T/cases/$n.tflite" "$T/out" $ins >/dev/null
    for o in "$T"/out/output_*.bin; do
        mv "$o" "$G/${n}_$(basename "$o")"
    done
    # shellcheck disable=SC2086
    h=$({ cat "$T/cases/$n.tflite" $ins; [ -z "$inv" ] || printf 'invokes %s' "$inv"; } |
        sha256sum | cut -d' ' -f1)
    printf '%s %s\n' "$n" "$h" >>"$G/MANIFEST"
done <"$T/names"
echo "mkgolden: $(wc -l <"$G/MANIFEST") cases in $G"
