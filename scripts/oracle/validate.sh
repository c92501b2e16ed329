#!/usr/bin/env bash
# Compare tflm_run against the golden TFLM outputs in /work/shared.
# usage: validate.sh [TFLM_RUN] [SHARED_DIR]   (prints one line per model/input)
set -uo pipefail
RUN="${1:-/work/oracle/bin/tflm_run}"
SHARED="${2:-/work/shared}"
TMP="$(mktemp -d)"; trap 'rm -rf "$TMP"' EXIT; mkdir -p "$TMP/v"
pass=0; fail=0
check() {  # model.tflite golden_dir
  local model="$1" gdir="$2" name ins outs i k ok arena want
  # ../golden manifests: "tflm_arena_used_bytes: N" (plain MicroInterpreter);
  # coverage manifests: "arena_used_bytes: N", which their generator measured
  # with a 64-slot MicroResourceVariables table (tflm_run --resource-variables 64).
  local vars_opt=()
  want="$(sed -n 's/^tflm_arena_used_bytes: \([0-9]*\).*/\1/p' "$gdir/manifest.txt" 2>/dev/null)"
  if [ -z "$want" ]; then
    want="$(sed -n 's/^arena_used_bytes: \([0-9]*\).*/\1/p' "$gdir/manifest.txt" 2>/dev/null)"
    [ -n "$want" ] && vars_opt=(--resource-variables 64)
  fi
  for name in $(ls "$gdir" | sed -n 's/^input_\([a-z0-9]*\)\(_[0-9]*\)\{0,1\}\.bin$/\1/p' | sort -u); do
    if [ -f "$gdir/input_$name.bin" ]; then ins=("$gdir/input_$name.bin")
    else ins=(); k=0; while [ -f "$gdir/input_${name}_$k.bin" ]; do ins+=("$gdir/input_${name}_$k.bin"); k=$((k+1)); done; fi
    rm -f "$TMP"/output_*.bin
    if ! arena="$("$RUN" "$model" "$TMP" "${ins[@]}" 2>"$TMP/err")"; then
      echo "FAIL  $gdir [$name]: tflm_run failed: $(tr '\n' ' ' < "$TMP/err")"; fail=$((fail+1)); continue
    fi
    arena="${arena##* }"; ok=1; outs=""
    if [ ${#vars_opt[@]} -gt 0 ]; then
      arena="$("$RUN" "${vars_opt[@]}" "$model" "$TMP/v" "${ins[@]}" 2>/dev/null)"; arena="${arena##* }"
    fi
    if [ -f "$gdir/output_$name.bin" ]; then
      cmp -s "$TMP/output_0.bin" "$gdir/output_$name.bin" || ok=0; outs=1
      [ -f "$TMP/output_1.bin" ] && { ok=0; outs="extra outputs"; }
    else
      k=0; while [ -f "$gdir/output_${name}_$k.bin" ]; do
        cmp -s "$TMP/output_$k.bin" "$gdir/output_${name}_$k.bin" || ok=0; k=$((k+1)); done
      outs=$k; [ "$k" = 0 ] && ok=0
    fi
    local note="arena=$arena${vars_opt:+ (with ${vars_opt[*]})}"
    if [ -n "$want" ] && [ "$want" != "$arena" ]; then note="$note, manifest says $want"; ok=0; fi
    if [ $ok = 1 ]; then echo "MATCH $gdir [$name] outputs=$outs $note"; pass=$((pass+1))
    else echo "DIFF  $gdir [$name] outputs=$outs $note"; fail=$((fail+1)); fi
  done
}
for g in "$SHARED"/golden/*/; do g="${g%/}"; check "$SHARED/models/$(basename "$g").tflite" "$g"; done
for g in "$SHARED"/coverage/golden/*/ "$SHARED"/coverage/golden/seanet/*/; do
  g="${g%/}"; [ "$(basename "$g")" = seanet ] && continue
  rel="${g#"$SHARED"/coverage/golden/}"; check "$SHARED/coverage/models/$rel.tflite" "$g"
done
echo "validate.sh: $pass matched, $fail did not"
[ $fail = 0 ]
