#!/bin/sh
# make test's two passes side by side (the plain build and the sanitizer build), one per core:
# each pass's output goes to a log, a progress line every minute says where each is, and at
# the end both logs are printed whole, the plain pass first. Fails when either pass fails.
#
# usage: tests/both.sh LOGDIR 'PLAIN COMMAND' 'SANITIZER COMMAND'
set -u
D=${1:?usage: both.sh LOGDIR PLAIN SANITIZER}
mkdir -p "$D"
rm -f "$D/plain.rc" "$D/asan.rc"
echo "make test: the plain and the sanitizer passes run side by side; logs: $D/plain.log, $D/asan.log"
(sh -c "$2" >"$D/plain.log" 2>&1; echo $? >"$D/plain.rc") &
(sh -c "$3" >"$D/asan.log" 2>&1; echo $? >"$D/asan.rc") &
i=0
while [ ! -f "$D/plain.rc" ] || [ ! -f "$D/asan.rc" ]; do
    sleep 5
    i=$((i + 1))
    if [ $((i % 12)) -eq 0 ]; then
        p=$(grep '^== ' "$D/plain.log" 2>/dev/null | tail -n 1)
        a=$(grep '^== ' "$D/asan.log" 2>/dev/null | tail -n 1)
        echo "make test: plain ${p:-building}${p:+ }$( [ -f "$D/plain.rc" ] && echo '(done)'); sanitizer ${a:-building}$( [ -f "$D/asan.rc" ] && echo ' (done)')"
    fi
done
wait
cat "$D/plain.log" "$D/asan.log"
[ "$(cat "$D/plain.rc")" = 0 ] && [ "$(cat "$D/asan.rc")" = 0 ]
