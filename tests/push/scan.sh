#!/usr/bin/env bash
# scan.sh - `netinv scan --push`: the document is spooled first, then sent
# to the register (a local one on 127.0.0.1, register.py), and the spool ends
# empty; a register that refuses it (401) leaves it in failed/ and the scan
# exits 1; no place to spool is a usage error.
set -euo pipefail
netinv=${NETINV_BIN:?NETINV_BIN is not set}
caps=${NETINV_TEST_CAPTURES:?NETINV_TEST_CAPTURES is not set}
here=$(cd "$(dirname "$0")" && pwd)
d=$(mktemp -d)
chmod 755 "$d"          # the user netinv drops to reaches the state and spool
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$d"; }
trap cleanup EXIT
fail() { echo "push-scan: FAIL: $*" >&2; exit 1; }

start_register() {      # $1: name, then register options
        local n=$1; shift
        echo '{}' >"$d/$n.ctl"
        python3 "$here/register.py" --port-file "$d/$n.port" --log "$d/$n.log" \
                --control "$d/$n.ctl" "$@" 2>"$d/$n.err" &
        pids+=($!)
        for _ in $(seq 100); do [[ -s $d/$n.port ]] && return 0; sleep 0.05; done
        fail "the register did not start: $(cat "$d/$n.err")"
}

start_register ok
port=$(cat "$d/ok.port")
"$netinv" scan --read "$caps/lab-30s.pcap" --oui none --state-dir "$d/st" \
        --push "http://127.0.0.1:$port/inventory" -o "$d/doc.json" -q || fail "push: exit $?"
python3 - "$d/ok.log" "$d/doc.json" <<'PY' || fail "push: what the register received"
import json, sys
posts = [json.loads(l) for l in open(sys.argv[1])]
doc = json.load(open(sys.argv[2]))
assert len(posts) == 1, posts
p = posts[0]
assert p["key"] == doc["scan"]["id"] and p["stored"] and p["status"] == 200, p
assert p["cenc"] == "gzip", p["cenc"]
# the register logs a summary of the document it stored
b = p["body"]
assert b["schema"] == "netinv/1" and b["scan_id"] == doc["scan"]["id"], b
assert b["devices"] == len(doc["devices"]) and b["agent"]["id"] == doc["agent"]["id"], b
PY
[[ -z $(ls "$d/st/spool" | grep -v '^dropped$' || true) ]] || fail "push: the spool is not empty: $(ls "$d/st/spool")"

# A register that wants a token we do not have: 401 → failed/, exit 1.
start_register auth --token right-token
port=$(cat "$d/auth.port")
rc=0
"$netinv" scan --read "$caps/lab-30s.pcap" --oui none --state-dir "$d/st2" \
        --push "http://127.0.0.1:$port/inventory" -o /dev/null -q 2>"$d/err" || rc=$?
[[ $rc == 1 ]] || fail "refused push: exit $rc, want 1: $(cat "$d/err")"
ls "$d/st2/spool/failed/"*.json >/dev/null 2>&1 || fail "refused push: nothing in failed/"

# No state directory, only a spool: the agent still has an id, kept beside the spool, the
# same on every run.
for run in 1 2; do
        "$netinv" scan --read "$caps/lab-30s.pcap" --oui none --spool-dir "$d/sp" \
                --push "http://127.0.0.1:$(cat "$d/ok.port")/inventory" -o /dev/null -q ||
                fail "spool only: exit $?"
done
python3 - "$d/ok.log" "$d/sp/agent-id" <<'PY' || fail "spool only: the agent id"
import json, sys
posts = [json.loads(l) for l in open(sys.argv[1])]
aid = open(sys.argv[2]).read().strip()
assert len(posts) == 3, len(posts)
ids = [p["body"]["agent"]["id"] for p in posts[1:]]
assert ids == [aid, aid] and len(aid) >= 32, (ids, aid)
PY

# Nowhere to spool: usage error, nothing sent.
rc=0
"$netinv" scan --read "$caps/lab-30s.pcap" --oui none --push "http://127.0.0.1:$port/x" \
        -o /dev/null 2>"$d/err" || rc=$?
[[ $rc == 2 ]] && grep -q "needs a place to spool" "$d/err" || fail "no spool: exit $rc: $(cat "$d/err")"
echo "push-scan: delivered once with its idempotency key; refused → failed/ and exit 1; spool only: one agent id; no spool → 2"
