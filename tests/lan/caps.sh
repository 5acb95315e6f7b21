#!/usr/bin/env bash
# caps.sh - live capture without root: file capabilities, and their absence.
#
# Two namespaces joined by a veth pair (198.18.9.0/24). A copy of netinv
# runs as nobody inside the first:
#   1. without capabilities: one line saying what to do, exit 1;
#   2. with `setcap cap_net_raw,cap_net_admin+ep`: it captures, then clears
#      those capabilities (-v says so) and finds the peer, which sends ARP.
# Needs root (to make namespaces and set file capabilities); exit 77 without.
set -euo pipefail

skip() { echo "lan-caps: skipped: $*" >&2; exit 77; }
fail() { echo "lan-caps: FAIL: $*" >&2; exit 1; }

[[ $(id -u) == 0 ]] || skip "needs root to create network namespaces"
[[ -x ${NETINV_BIN:-} ]] || fail "NETINV_BIN is not set to the netinv binary"
for p in ip setcap setpriv ping; do
        command -v "$p" >/dev/null || skip "missing program: $p"
done

ns=nitc-scan-$$ peer=nitc-peer-$$
dir=$(mktemp -d /tmp/nitc.XXXXXX)
cleanup() {
        ip netns pids "$peer" 2>/dev/null | xargs -r kill 2>/dev/null || true
        ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null || true
        ip netns del "$ns" 2>/dev/null || true
        ip netns del "$peer" 2>/dev/null || true
        rm -rf "$dir"
}
trap cleanup EXIT INT TERM

# File capabilities are ignored on a nosuid mount.
findmnt -no OPTIONS -T "$dir" | grep -qw nosuid && skip "$dir is mounted nosuid"

ip netns add "$ns"
ip netns add "$peer"
ip -n "$ns" link add lan0 address 02:6e:69:74:63:01 type veth peer name lan0 \
        address 02:6e:69:74:63:02 netns "$peer"
ip -n "$ns" link set lan0 up
ip -n "$peer" addr add 198.18.9.2/24 dev lan0
ip -n "$peer" link set lan0 up

cp "$NETINV_BIN" "$dir/netinv"
chmod 755 "$dir/netinv"
chown 65534:65534 "$dir"   # nobody writes the result there
as_nobody() { ip netns exec "$ns" setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }

# 1. No privileges at all.
rc=0
as_nobody "$dir/netinv" scan lan0 --passive -d 1 -q >"$dir/out1" 2>"$dir/err1" || rc=$?
[[ $rc == 1 ]] || fail "without capabilities: exit $rc, want 1"
[[ $(wc -l <"$dir/err1") == 1 ]] || fail "without capabilities: want one line on stderr, got: $(cat "$dir/err1")"
grep -q "needs root or CAP_NET_RAW" "$dir/err1" || fail "without capabilities: message: $(cat "$dir/err1")"
echo "lan-caps: without capabilities: exit 1, \"$(cat "$dir/err1")\""

# 2. File capabilities.
setcap cap_net_raw,cap_net_admin+ep "$dir/netinv"
as_nobody "$dir/netinv" scan lan0 --passive -d 4 -v -f json -o "$dir/out.json" 2>"$dir/err2" &
pid=$!
for _ in $(seq 50); do grep -q "listening on" "$dir/err2" 2>/dev/null && break; sleep 0.1; done
# The peer asks for an absent neighbour: broadcast ARP from 198.18.9.2.
ip netns exec "$peer" ping -c 2 -W 1 198.18.9.3 >/dev/null 2>&1 || true
rc=0
wait "$pid" || rc=$?
[[ $rc == 0 ]] || fail "with file capabilities: exit $rc: $(tr "\n" " " <"$dir/err2")"
grep -q "privileges dropped: uid 65534 gid 65534" "$dir/err2" ||
        fail "with file capabilities: no privilege drop reported: $(cat "$dir/err2")"
python3 - "$dir/out.json" <<'PY' || fail "with file capabilities: the peer is not in the result"
import json, sys
d = json.load(open(sys.argv[1]))
peer = [x for x in d["devices"] if x["mac"] == "02:6e:69:74:63:02"]
assert peer and "198.18.9.2" in peer[0]["ipv4"] and "arp" in peer[0]["sources"], d["devices"]
PY
echo "lan-caps: with file capabilities: captured as uid 65534, capabilities cleared, peer found"
