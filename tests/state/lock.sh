#!/bin/sh
# lock.sh - two runs at once: one works, the other exits 75 at once with a
# message naming the holder; a killed holder leaves no stale lock. Also the
# command-line side of the config and state errors (exit 2 and 1, one
# line). Needs: STATE_DRIVER, NETINV_BIN.
set -eu
drv=${STATE_DRIVER:?}
bin=${NETINV_BIN:?}
dir=$(mktemp -d "${TMPDIR:-/tmp}/netinv-lock.XXXXXX")
holder=
cleanup() {
        [ -n "$holder" ] && kill -9 "$holder" 2>/dev/null || true
        rm -rf "$dir"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }
st=$dir/state
mkdir "$st"
"$drv" merge "$st" 2 7 >/dev/null || fail "seeding the state"

# A holder: the second run exits 75, fast, with the holder's pid.
"$drv" hold "$st" 30 >"$dir/hold.out" &
holder=$!
n=0
until grep -q locked "$dir/hold.out" 2>/dev/null; do
        n=$((n + 1)); [ "$n" -lt 100 ] || fail "the holder never took the lock"; sleep 0.05
done
t0=$(date +%s)
rc=0; "$bin" inventory --state-dir "$st" --forget-after 36500 >/dev/null 2>"$dir/err" || rc=$?
t1=$(date +%s)
[ "$rc" -eq 75 ] || fail "netinv inventory --forget-after under a held lock: exit $rc, want 75"
[ $((t1 - t0)) -le 2 ] || fail "the second run waited"
grep -q "^netinv: another netinv run (pid $holder) is using '$st'; try again later\$" "$dir/err" ||
        fail "message: $(cat "$dir/err")"
[ "$(wc -l <"$dir/err")" -eq 1 ] || fail "more than one line"
rc=0; "$drv" merge "$st" 1 1 >/dev/null 2>&1 || rc=$?
[ "$rc" -eq 75 ] || fail "a second merging run: exit $rc, want 75"
# Reading needs no lock.
"$bin" inventory --state-dir "$st" -f json >/dev/null || fail "reading under the lock"

# kill -9 the holder: the kernel drops the lock.
kill -9 "$holder"; wait "$holder" 2>/dev/null || true; holder=
"$bin" inventory --state-dir "$st" --forget-after 36500 -q >/dev/null || fail "after the holder died"

# Two at once, many times: exactly one of each pair gets through.
i=0
while [ "$i" -lt 8 ]; do
        i=$((i + 1))
        "$drv" hold "$st" 1 >/dev/null & a=$!
        "$drv" hold "$st" 1 >/dev/null & b=$!
        ra=0; wait "$a" || ra=$?
        rb=0; wait "$b" || rb=$?
        [ $((ra + rb)) -eq 75 ] || fail "pair $i: exits $ra and $rb, want 0 and 75"
done

# The agent id: created once, stable, the same for two first runs at once.
mkdir "$dir/fresh"
"$drv" agent-id "$dir/fresh" >"$dir/id1" & a=$!
"$drv" agent-id "$dir/fresh" >"$dir/id2" & b=$!
wait "$a"; wait "$b"
cmp -s "$dir/id1" "$dir/id2" || fail "two first runs made two agent ids"
"$drv" agent-id "$dir/fresh" | cmp -s - "$dir/id1" || fail "the agent id changed"

# Config and state errors on the command line.
printf 'rate = 10\n\n[push]\nurl = gopher://x\n' >"$dir/bad.conf"
rc=0; "$bin" inventory -c "$dir/bad.conf" 2>"$dir/err" || rc=$?
[ "$rc" -eq 2 ] || fail "bad config: exit $rc, want 2"
grep -qx "netinv: $dir/bad.conf:4: push.url: 'gopher://x' is not an http:// or https:// URL" "$dir/err" ||
        fail "bad config message: $(cat "$dir/err")"
rc=0; "$bin" inventory -c "$dir/none.conf" 2>"$dir/err" || rc=$?
[ "$rc" -eq 2 ] || fail "missing config: exit $rc, want 2"
grep -qx "netinv: $dir/none.conf: cannot read: No such file or directory" "$dir/err" || fail "$(cat "$dir/err")"
printf 'state_dir = %s\nstale = 1\n' "$st" >"$dir/good.conf"
"$bin" inventory -c "$dir/good.conf" -f csv >"$dir/csv" || fail "inventory from the config's state_dir"
[ "$(wc -l <"$dir/csv")" -gt 100 ] || fail "the inventory is short: $(wc -l <"$dir/csv") lines"
"$bin" inventory -c "$dir/good.conf" --stale 30 -f json >"$dir/json" || fail "--stale"
grep -q '"stale_days":	30' "$dir/json" || fail "--stale 30 not in the document"
printf '{"schema":"netinv-state/1","version":1}' >"$st/state.json"
rc=0; "$bin" inventory --state-dir "$st" 2>"$dir/err" || rc=$?
[ "$rc" -eq 1 ] || fail "broken state: exit $rc, want 1"
grep -qx "netinv: $st/state.json: bad or missing created/updated/last_merge" "$dir/err" || fail "$(cat "$dir/err")"
rc=0; "$bin" inventory --state-dir "$dir/nowhere" 2>/dev/null || rc=$?
[ "$rc" -eq 1 ] || fail "no state dir: exit $rc, want 1"
echo "lock, agent id and command-line errors: ok"
