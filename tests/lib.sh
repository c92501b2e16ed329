# Shared by the integration test scripts (sourced): pass/fail counting and expect. The script
# sets TMP (a scratch directory) before sourcing this file.
pass=0
fail=0

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); printf 'FAIL: %s\n' "$*"; }

# Every command is bounded by timeout(1) where it exists, so a hang in tinysim itself
# (loading, parsing) is a failure, not a stuck test; firmware runs add their own --timeout.
if command -v timeout >/dev/null 2>&1; then LIMIT="timeout 60"; else LIMIT=; fi

# expect CODE PATTERN DESCRIPTION -- COMMAND...: exit code and a line of stdout+stderr
# (grep's basic regular expression; "" for none). Any sanitizer report fails too. The
# output stays in $TMP/out for further checks.
expect() {
    code=$1 pat=$2 what=$3
    shift 4
    case $1 in
    feed) "$@" >"$TMP/out" 2>&1 ;; # bounds its command itself
    *) $LIMIT "$@" >"$TMP/out" 2>&1 ;;
    esac
    rc=$?
    if grep -q "AddressSanitizer\|LeakSanitizer\|runtime error:" "$TMP/out"; then
        bad "$what: sanitizer report"; sed 's/^/    /' "$TMP/out" | head -n 20; return
    fi
    if [ "$rc" -ne "$code" ]; then
        bad "$what: exit $rc, expected $code"; sed 's/^/    /' "$TMP/out" | tail -n 15; return
    fi
    if [ -n "$pat" ] && ! grep -q -- "$pat" "$TMP/out"; then
        bad "$what: output lacks '$pat'"; sed 's/^/    /' "$TMP/out" | tail -n 15; return
    fi
    ok
}

# sanitized BIN: BIN is the sanitizer build (make test-asan). Its runs take several times
# longer; scripts whose firmware matrix repeats the same host code on every board run a
# subset there (saying so), the plain build running all of it.
sanitized() { grep -q "__asan_init" "$1" 2>/dev/null; }

# feed LINE COMMAND...: COMMAND with LINE as its standard input
feed() {
    line=$1
    shift
    printf '%s\n' "$line" | $LIMIT "$@"
}
