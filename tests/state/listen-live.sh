#!/usr/bin/env bash
# listen-live.sh - `netinv listen IFACE` on a real interface: two network
# namespaces (lis-d, the daemon's; lis-p, a peer) joined by a veth pair on
# 198.18.44.0/24, the test register inside lis-d on its loopback, and a
# private /dev with a /dev/log socket of the test's own, so that syslog
# messages are seen. The peer pings the daemon's host: its ARP makes a new
# device, pushed (push.on_new) within the debounce with the peer's MAC and
# address and site L; SIGHUP's "configuration reloaded" reaches syslog as
# facility daemon, level info, with the pid; SIGTERM exits 0 and the state
# holds the peer. Needs root (77 otherwise).
set -euo pipefail
netinv=${NETINV_BIN:?NETINV_BIN is not set}
here=$(cd "$(dirname "$0")" && pwd)
reg="$here/../push/register.py"
[[ $(id -u) == 0 ]] || { echo "listen-live: skipped: needs root (namespaces)" >&2; exit 77; }
for t in ip unshare python3; do
        command -v "$t" >/dev/null || { echo "listen-live: skipped: no $t" >&2; exit 77; }
done
d=$(mktemp -d)
chmod 755 "$d"
lpid=
cleanup() {
        [[ -n $lpid ]] && kill "$lpid" 2>/dev/null || true
        ip netns pids lis-d 2>/dev/null | xargs -r kill 2>/dev/null || true
        ip netns del lis-d 2>/dev/null || true
        ip netns del lis-p 2>/dev/null || true
        wait 2>/dev/null || true
        rm -rf "$d"
}
trap cleanup EXIT
fail() { echo "state-listen-live: FAIL: $*" >&2; [[ -f $d/err ]] && sed 's/^/  | /' "$d/err" >&2; exit 1; }

ip netns add lis-d
ip netns add lis-p
ip link add lis-d0 netns lis-d type veth peer name lis-p0 netns lis-p
ip -n lis-d addr add 198.18.44.1/24 dev lis-d0
ip -n lis-p addr add 198.18.44.2/24 dev lis-p0
ip -n lis-d link set lo up
ip -n lis-d link set lis-d0 up
ip -n lis-p link set lis-p0 up
peer_mac=$(ip -n lis-p -br link show lis-p0 | awk '{ print $3 }')

echo '{}' >"$d/reg.ctl"
ip netns exec lis-d python3 "$reg" --port-file "$d/reg.port" --log "$d/reg.log" \
        --control "$d/reg.ctl" --keep-bodies 2>"$d/reg.err" &
for _ in $(seq 200); do [[ -s $d/reg.port ]] && break; sleep 0.05; done
[[ -s $d/reg.port ]] || fail "the register did not start: $(cat "$d/reg.err")"
cat >"$d/conf" <<EOF
interface = lis-d0
site = L
syslog = yes
[push]
url = http://127.0.0.1:$(cat "$d/reg.port")/inventory
on_new = yes
[listen]
save_interval = 1
EOF

# The daemon, in lis-d, with a /dev of its own whose log socket is ours.
cat >"$d/run.sh" <<'EOF'
set -eu
d=$1; shift
mkdir "$d/dev" "$d/olddev"
mount --rbind /dev "$d/olddev"
mount -t tmpfs -o mode=755 lis-dev /dev
for n in null zero random urandom; do
        touch "/dev/$n"
        mount --bind "$d/olddev/$n" "/dev/$n"
done
python3 -c '
import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind("/dev/log")
os.chmod("/dev/log", 0o666)          # netinv logs after dropping to nobody
open(sys.argv[1] + "/syslog.ready", "w").close()
with open(sys.argv[1] + "/syslog", "ab", buffering=0) as f:
    while True:
        f.write(s.recv(4096) + b"\n")
' "$d" &
for _ in $(seq 100); do [ -e "$d/syslog.ready" ] && break; sleep 0.05; done
exec "$@"
EOF
NETINV_DATA_DIR=${NETINV_DATA_DIR:-} ip netns exec lis-d unshare --mount --propagation private \
        sh "$d/run.sh" "$d" "$netinv" listen -c "$d/conf" --state-dir "$d/st" --oui none 2>"$d/err" &
lpid=$!
sleep 1.5
kill -0 "$lpid" 2>/dev/null || fail "the daemon did not start"

ip netns exec lis-p ping -c 2 -i 0.3 -W 1 198.18.44.1 >/dev/null || fail "the peer cannot reach 198.18.44.1"
for _ in $(seq 140); do [[ -s $d/reg.log ]] && break; sleep 0.1; done
[[ -s $d/reg.log ]] || fail "no on_new push within 14 s"
python3 - "$d/reg.log" "$peer_mac" <<'PY' || fail "the pushed document"
import json, sys
p = [json.loads(l) for l in open(sys.argv[1])]
b = p[0]["body"]
assert p[0]["status"] == 200 and b["agent"]["site"] == "L", (p[0]["status"], b["agent"])
assert b["scan"].get("interface") == "lis-d0", b["scan"]
dev = {d["mac"]: d for d in b["devices"]}
assert sys.argv[2] in dev, sorted(dev)
assert "198.18.44.2" in dev[sys.argv[2]]["ipv4"], dev[sys.argv[2]]
assert any(c["kind"] == "new" and c["mac"] == sys.argv[2] for c in b["changes"]), b["changes"]
PY

kill -HUP "$lpid"
for _ in $(seq 50); do grep -q "configuration reloaded" "$d/syslog" 2>/dev/null && break; sleep 0.1; done
# <30>: facility daemon (3 << 3) + level info (6); "netinv[PID]:"
grep -Eq '^<30>.*netinv\[[0-9]+\]: configuration reloaded' "$d/syslog" ||
        fail "SIGHUP: not in syslog as daemon.info: $(cat "$d/syslog" 2>/dev/null)"
grep -q "configuration reloaded" "$d/err" || fail "SIGHUP: not on standard error"

kill -TERM "$lpid"
rc=0
wait "$lpid" || rc=$?
lpid=
[[ $rc == 0 ]] || fail "SIGTERM: exit $rc, want 0"
python3 - "$d/st/state.json" "$peer_mac" <<'PY' || fail "the state after SIGTERM"
import json, sys
st = json.load(open(sys.argv[1]))
assert sys.argv[2] in [d["mac"] for d in st["devices"]], st["devices"]
PY
echo "state-listen-live: the peer pushed as new within the debounce; SIGHUP logged to syslog (daemon.info); SIGTERM → 0"
