#!/bin/sh
# crash.sh - kill -9 a process that merges and saves the state, at 100
# random moments; after each kill the state file must load (the previous or
# the new version, never a torn one) and hold every save the process
# reported as done ("saved T": last_merge >= T). Temporary files a kill
# leaves are removed by the next save. Needs: STATE_DRIVER.
set -eu
drv=${STATE_DRIVER:?}
dir=$(mktemp -d "${TMPDIR:-/tmp}/netinv-crash.XXXXXX")
pid=
cleanup() {
        [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null || true
        rm -rf "$dir"
}
trap cleanup EXIT
mkdir "$dir/state"
rounds=${CRASH_ROUNDS:-100}
last=0 kills=0 mid=0
i=0
while [ "$i" -lt "$rounds" ]; do
        i=$((i + 1))
        "$drv" merge "$dir/state" 0 "$i" >"$dir/out" 2>"$dir/err" &
        pid=$!
        # 0 .. 0.4 s: lands anywhere in load, merge, write, fsync, rename
        sleep "0.$(awk -v s="$i" 'BEGIN { srand(s); printf "%03d", int(rand() * 400) }')"
        kill -9 "$pid" 2>/dev/null && kills=$((kills + 1)) || true
        wait "$pid" 2>/dev/null || true
        pid=
        if [ -s "$dir/err" ]; then
                echo "round $i: the driver failed: $(cat "$dir/err")"
                exit 1
        fi
        saved=$(awk '/^saved / { t = $2 } END { print t + 0 }' "$dir/out")
        ls "$dir/state" | grep -q '^state\.json\.tmp-' && mid=$((mid + 1))
        res=$("$drv" check "$dir/state") || { echo "round $i: state does not load: $res"; exit 1; }
        got=$(echo "$res" | awk '{ print $3 }')
        if [ "$saved" -gt 0 ] && [ "$got" -lt "$saved" ]; then
                echo "round $i: a completed save was lost (state at $got, saved $saved)"
                exit 1
        fi
        if [ "$got" -lt "$last" ]; then
                echo "round $i: the state went back in time ($got < $last)"
                exit 1
        fi
        last=$got
done
res=$("$drv" check "$dir/state")
echo "$rounds rounds, $kills kills ($mid during a write), state: $res"
[ "$last" -gt 0 ] || { echo "no save ever completed: the test proved nothing"; exit 1; }
