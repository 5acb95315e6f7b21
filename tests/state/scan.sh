#!/usr/bin/env bash
# scan.sh - `netinv scan --state-dir`: the scan merges into the persistent
# inventory, reports what changed (JSON `changes`, the table's lines), carries
# the agent id, and a second run while the lock is held exits 75 at once.
set -euo pipefail
netinv=${NETINV_BIN:?NETINV_BIN is not set}
caps=${NETINV_TEST_CAPTURES:?NETINV_TEST_CAPTURES is not set}
dir=$(mktemp -d)
chmod 755 "$dir"   # the user netinv drops to must reach the state directory
trap 'rm -rf "$dir"' EXIT
fail() { echo "state-scan: FAIL: $*" >&2; exit 1; }
# Privileges are dropped when run as root: the state directory is handed over.
"$netinv" scan --read "$caps/dhcp-server-side.pcap" --oui none --state-dir "$dir/s" -o "$dir/1.json" ||
        fail "first scan: exit $?"
python3 - "$dir/1.json" <<'PY' || fail "first scan: document"
import json, sys
d = json.load(open(sys.argv[1]))
new = sorted(c["mac"] for c in d["changes"] if c["kind"] == "new")
assert new == ["24:0a:c4:00:00:03", "50:c7:bf:00:00:01", "b8:27:eb:00:00:04", "f8:bc:12:00:00:02"], new
assert len(d["agent"]["id"]) == 36 and d["scan"]["stale"]["days"] == 180
PY
id1=$(cat "$dir/s/agent-id")
"$netinv" scan --read "$caps/dhcp-server-side.pcap" --oui none --state-dir "$dir/s" -o "$dir/2.json" ||
        fail "second scan: exit $?"
python3 - "$dir/2.json" "$id1" <<'PY' || fail "second scan: document"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["changes"] == [], d["changes"]
assert d["agent"]["id"] == sys.argv[2]
PY
"$netinv" scan --read "$caps/dhcp-server-side.pcap" --oui none --state-dir "$dir/s" -f table \
        --color never --site branch-7 >"$dir/3.txt" || fail "table scan: exit $?"
grep -q "changes since" "$dir/3.txt" && fail "table scan: changes reported where none happened"
# The lock: held by another process, the scan exits 75 with one line.
flock "$dir/s/lock" sleep 5 &
holder=$!
sleep 0.3
rc=0
"$netinv" scan --read "$caps/dhcp-server-side.pcap" --oui none --state-dir "$dir/s" -o "$dir/4.json" \
        2>"$dir/err" || rc=$?
kill "$holder" 2>/dev/null || true
wait "$holder" 2>/dev/null || true
[[ $rc == 75 ]] || fail "scan under a held lock: exit $rc, want 75"
[[ $(wc -l <"$dir/err") == 1 ]] || fail "scan under a held lock: $(cat "$dir/err")"
# The configuration file gives the same settings; a bad key is exit 2, one line.
printf '# scan settings\nstate_dir = %s\nsite = "branch 7"\nformat = json\n' "$dir/c" >"$dir/netinv.conf"
"$netinv" scan --read "$caps/dhcp-server-side.pcap" --oui none --config "$dir/netinv.conf" \
        >"$dir/5.json" || fail "scan with --config: exit $?"
python3 - "$dir/5.json" <<'PY' || fail "scan with --config: document"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["agent"]["site"] == "branch 7" and len(d["changes"]) == 4, d["agent"]
PY
printf 'rate = fast\n' >"$dir/bad.conf"
rc=0
"$netinv" scan --read "$caps/dhcp-server-side.pcap" --config "$dir/bad.conf" 2>"$dir/err" >/dev/null || rc=$?
[[ $rc == 2 && $(wc -l <"$dir/err") == 1 ]] && grep -q "bad.conf:1: rate" "$dir/err" ||
        fail "bad configuration: exit $rc: $(cat "$dir/err")"
echo "state-scan: merged, changes reported once, agent id kept, lock gives 75"
