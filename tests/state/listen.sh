#!/usr/bin/env bash
# listen.sh - `netinv listen` as a daemon, fed through a FIFO: real captures
# from tests/captures/ go in as one pcap stream while it runs.
#   1. lab-30s.pcap: nine devices the state does not know. With push.on_new
#      the document reaches the register within the debounce (10 s), with
#      site A, nine devices and nine "new" changes; the state is saved
#      within listen.save_interval (1 s), before any signal.
#   2. The config changes (site B, another register) and SIGHUP: the next
#      document (after mdns-avahi.pcap's new device) goes to the new
#      register and carries site B and only the new device's changes.
#      Meanwhile a scan on the same state directory exits 75 (the lock),
#      and a config with an unknown key on SIGHUP keeps the running one.
#   3. ssdp-minidlna.pcap, then SIGTERM: exit 0 at once, the last document
#      delivered, the spool empty, state.json parses and holds all twelve
#      devices, every document arrived exactly once by Idempotency-Key and
#      follows doc/netinv-1.schema.json.
#   4. A restart over mdns-avahi.pcap alone (two known devices): its
#      document has no changes: nothing new, and no "gone" for the ten
#      devices it has not heard.
set -euo pipefail
netinv=${NETINV_BIN:?NETINV_BIN is not set}
caps=${NETINV_TEST_CAPTURES:?NETINV_TEST_CAPTURES is not set}
here=$(cd "$(dirname "$0")" && pwd)
reg="$here/../push/register.py"
d=$(mktemp -d)
chmod 755 "$d"          # the user netinv drops to (as root) reaches state and spool
pids=()
cleanup() {
        exec 3>&- 2>/dev/null || true
        for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
        wait 2>/dev/null || true
        rm -rf "$d"
}
trap cleanup EXIT
fail() { echo "state-listen: FAIL: $*" >&2; [[ -f $d/err ]] && sed 's/^/  | /' "$d/err" >&2; exit 1; }

start_register() {      # $1: name
        echo '{}' >"$d/$1.ctl"
        python3 "$reg" --port-file "$d/$1.port" --log "$d/$1.log" --control "$d/$1.ctl" \
                --keep-bodies 2>"$d/$1.err" &
        pids+=($!)
        for _ in $(seq 200); do [[ -s $d/$1.port ]] && return 0; sleep 0.05; done
        fail "the register did not start: $(cat "$d/$1.err")"
}
posts() { [[ -f $d/$1.log ]] && wc -l <"$d/$1.log" || echo 0; }
wait_posts() {          # $1 register, $2 count, $3 seconds
        local t=$(( $3 * 10 ))
        for _ in $(seq "$t"); do (( $(posts "$1") >= $2 )) && return 0; sleep 0.1; done
        fail "register $1: $(posts "$1") documents after $3 s, want $2"
}
# pcap records of a classic pcap file (no file header) / the header alone.
pcap_part() {           # $1 file, $2 header|records
        python3 - "$1" "$2" <<'PY'
import sys
b = open(sys.argv[1], "rb").read()
sys.stdout.buffer.write(b[:24] if sys.argv[2] == "header" else b[24:])
PY
}

start_register a
start_register b
cat >"$d/conf" <<EOF
site = A
[push]
url = http://127.0.0.1:$(cat "$d/a.port")/inventory
interval = 1h
on_new = yes
[listen]
save_interval = 1
EOF
mkfifo "$d/fifo"
"$netinv" listen --read "$d/fifo" -c "$d/conf" --state-dir "$d/st" --oui none 2>"$d/err" &
lpid=$!
pids+=($lpid)
exec 3>"$d/fifo"
t0=$(date +%s.%N)

# 1. Nine new devices → pushed within the debounce; the state saved meanwhile.
{ pcap_part "$caps/lab-30s.pcap" header; pcap_part "$caps/lab-30s.pcap" records; } >&3
wait_posts a 1 14
t1=$(date +%s.%N)
python3 -c "import sys; d=float(sys.argv[2])-float(sys.argv[1]); sys.exit(0 if d < 14 else 1)" "$t0" "$t1" ||
        fail "the on_new push came late"
[[ -s $d/st/state.json ]] || fail "no state.json while running (listen.save_interval = 1)"
python3 - "$d/a.log" <<'PY' || fail "the first document"
import json, sys
p = [json.loads(l) for l in open(sys.argv[1])]
assert len(p) == 1 and p[0]["status"] == 200 and p[0]["stored"], p
b = p[0]["body"]
assert b["schema"] == "netinv/1" and b["agent"]["site"] == "A", b["agent"]
assert len(b["devices"]) == 9, len(b["devices"])
assert sorted(c["kind"] for c in b["changes"]) == ["new"] * 9, b["changes"]
assert b["scan"]["id"] == p[0]["key"]
PY

# 2. Site B and register b, then a new device: the next document says so.
sed -i -e 's/^site = A/site = B/' -e "s|^url = .*|url = http://127.0.0.1:$(cat "$d/b.port")/inventory|" "$d/conf"
kill -HUP "$lpid"
sleep 0.2
pcap_part "$caps/mdns-avahi.pcap" records >&3
wait_posts b 1 14
grep -q "configuration reloaded" "$d/err" || fail "no word of the reload"
python3 - "$d/b.log" <<'PY' || fail "the document after SIGHUP"
import json, sys
p = [json.loads(l) for l in open(sys.argv[1])]
assert len(p) == 1 and p[0]["status"] == 200, p
b = p[0]["body"]
assert b["agent"]["site"] == "B", b["agent"]
macs = {d["mac"] for d in b["devices"]}
assert "00:11:32:00:07:0a" in macs and len(macs) == 11, sorted(macs)
new = [c["mac"] for c in b["changes"] if c["kind"] == "new"]
assert sorted(new) == ["00:11:32:00:07:0a", "02:4e:4c:ff:07:01"], b["changes"]
PY
(( $(posts a) == 1 )) || fail "register a got a document after the reload"

# The daemon holds the state lock: a scan on the same directory exits 75.
rc=0
"$netinv" scan --read "$caps/lab-30s.pcap" --oui none --state-dir "$d/st" -o /dev/null -q \
        2>"$d/scan.err" || rc=$?
[[ $rc == 75 ]] || fail "a scan beside the daemon: exit $rc, want 75: $(cat "$d/scan.err")"
# A config that does not load keeps the running one (and says so).
cp "$d/conf" "$d/conf.good"
echo "bogus_key = 1" >>"$d/conf"
kill -HUP "$lpid"
for _ in $(seq 50); do grep -q "configuration not reloaded" "$d/err" && break; sleep 0.1; done
grep -q "conf:[0-9]*: listen.bogus_key: unknown key" "$d/err" && grep -q "configuration not reloaded" "$d/err" ||
        fail "a broken config on SIGHUP: no error"
kill -0 "$lpid" || fail "a broken config on SIGHUP stopped the daemon"
cp "$d/conf.good" "$d/conf"

# 3. One more device, then SIGTERM: exit 0, last document, spool empty.
pcap_part "$caps/ssdp-minidlna.pcap" records >&3
sleep 0.5
kill -TERM "$lpid"
rc=0
for _ in $(seq 100); do kill -0 "$lpid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$lpid" 2>/dev/null && fail "still running 10 s after SIGTERM"
wait "$lpid" || rc=$?
[[ $rc == 0 ]] || fail "SIGTERM: exit $rc, want 0"
exec 3>&-
python3 - "$d/b.log" "$d/st/state.json" <<'PY' || fail "after SIGTERM"
import json, sys
p = [json.loads(l) for l in open(sys.argv[1])]
assert len(p) == 2 and all(x["status"] == 200 for x in p), p
assert len({x["key"] for x in p}) == 2 and all(x["stored"] for x in p), p
b = p[1]["body"]
assert b["agent"]["site"] == "B" and len(b["devices"]) == 12, (b["agent"], len(b["devices"]))
assert [c["mac"] for c in b["changes"] if c["kind"] == "new"] == ["00:11:32:00:02:0a"], b["changes"]
st = json.load(open(sys.argv[2]))
assert st["schema"] == "netinv-state/1", st.get("schema")
assert len(st["devices"]) == 12, len(st["devices"])
PY
# 4. A restart that hears only two known devices: nothing is new, and the
#    ten it has not heard yet are not called gone.
"$netinv" listen --read "$caps/mdns-avahi.pcap" -c "$d/conf" --state-dir "$d/st" --oui none \
        2>"$d/err" || fail "the restart over mdns-avahi.pcap: exit $?"
python3 - "$d/b.log" <<'PY' || fail "the document after a restart"
import json, sys
p = [json.loads(l) for l in open(sys.argv[1])]
assert len(p) == 3 and p[2]["status"] == 200, p
b = p[2]["body"]
assert len(b["devices"]) == 2 and b["changes"] == [], (len(b["devices"]), b["changes"])
PY

# Every pushed document follows the published schema (when jsonschema is here).
python3 - "$here/../../doc/netinv-1.schema.json" "$d/a.log" "$d/b.log" <<'PY' || fail "schema"
import json, sys
try:
    import jsonschema
except ImportError:
    sys.exit(0)
v = jsonschema.Draft202012Validator(json.load(open(sys.argv[1])))
for log in sys.argv[2:]:
    for l in open(log):
        errs = list(v.iter_errors(json.loads(l)["body"]))
        assert not errs, [f"{'/'.join(map(str, e.path))}: {e.message}" for e in errs[:3]]
PY
left=$(ls "$d/st/spool" | grep -v -e '^dropped$' -e '^failed$' || true)
[[ -z $left ]] || fail "the spool is not empty: $left"
echo "state-listen: on_new push within the debounce; SIGHUP moved site and register; SIGTERM → 0, spool empty, state parses"
