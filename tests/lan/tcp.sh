#!/bin/bash
# tcp.sh - `netinv scan` with the TCP SYN probe on a namespace LAN (suite lan; needs root,
# else skipped).
#
# LAN, 198.18.40.0/24 only, everything named tcp-*: a Linux bridge in tcp-br; the scanner
# tcp-scan (lan0 198.18.40.1, 02:4e:54:ff:00:01); three peers, each in its own namespace:
#   tcp-h1  198.18.40.11  02:4e:54:00:00:11  socat listening on 22 and 80 (Linux, TTL 64)
#   tcp-h2  198.18.40.12  02:4e:54:00:00:12  socat on 80, net.ipv4.ip_default_ttl=128
#   tcp-h3  198.18.40.13  02:4e:54:00:00:13  nothing listening: every port answers RST+ACK
# The scan asks ports 22, 23, 80 (arp and tcp probes only); tcpdump in tcp-scan records
# what went out and came back.
#
# Checks:
#   dry-run   the plan counts hosts x ports x (1 + retries) SYNs
#   found     tcp.open 22 and 80 on h1, 80 on h2; tcp.closed for the rest; no tcp.open that
#             is not listening; services[] lists them; ip.ttl 64 / 128; h1's tcp.syn_ack is
#             the Linux shape rule syn-linux matches
#   wire      every SYN is from the scanner's MAC and address, one source port, port-major
#             (no host gets two SYNs in a row while others wait); every (host, port) pair
#             got exactly one SYN (all answered: no retry); the scanner's kernel sent one RST
#             per SYN-ACK and nothing broke: exit 0, the scan ended in a few seconds
#   retry     h3 cannot route what port 23 sends (an ip rule: its RST+ACK is never sent): that pair (and only it) gets
#             1 + --retries SYNs
#   ENOBUFS   the scanner's lan0 behind a tiny tbf queue, ports 1-63 and 80 (64, the most
#             --ports takes), no retries: sends
#             fail with ENOBUFS (the qdisc drops), the probe backs off and sends the same SYN
#             later, so every one of the 192 pairs is still answered, and the scan exits 0
# The trap kills what was started and deletes every tcp-* namespace, also on failure.
set -u

skip() { echo "lan-tcp: skipped: $*" >&2; exit 77; }
[[ $(id -u) -eq 0 ]] || skip "needs root"
for p in ip nsenter socat tcpdump python3; do
        PATH=$PATH:/usr/sbin:/sbin command -v "$p" >/dev/null 2>&1 || skip "needs $p"
done
NETINV_BIN=${NETINV_BIN:?NETINV_BIN is not set}
here=$(dirname "$(readlink -f "$0")")
export NETINV_DATA_DIR=${NETINV_DATA_DIR:-$here/../../data}
P=tcp
NS=(br scan h1 h2 h3)
PIDS=()
TMP=$(mktemp -d /tmp/lan-tcp.XXXXXX)

cleanup() {
        local rc=$? pid ns
        trap - EXIT
        for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null; done
        sleep 0.2
        for pid in "${PIDS[@]}"; do kill -KILL "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; done
        for ns in "${NS[@]}"; do
                [[ -e /run/netns/$P-$ns ]] || continue
                for pid in $(ip netns pids "$P-$ns" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null; done
                ip netns del "$P-$ns" 2>/dev/null
        done
        [[ $TMP == /tmp/lan-tcp.* ]] && rm -rf "$TMP"
        exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

in_ns() { local ns=$1; shift; nsenter --net="/run/netns/$P-$ns" "$@"; }

for ns in "${NS[@]}"; do
        [[ -e /run/netns/$P-$ns ]] && skip "namespace $P-$ns exists (another run, or leftovers)"
done
for ns in "${NS[@]}"; do ip netns add "$P-$ns"; done
in_ns br sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
in_ns br ip link add br0 type bridge stp_state 0 forward_delay 0
in_ns br ip link set br0 up
lan0() {        # ns mac addr
        in_ns br ip link add "p-$1" type veth peer name lan0 netns "$P-$1" address "$2"
        in_ns br ip link set "p-$1" master br0 up
        in_ns "$1" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
        in_ns "$1" ip link set lo up
        in_ns "$1" ip link set lan0 up
        in_ns "$1" ip addr add "$3/24" dev lan0
}
lan0 scan 02:4e:54:ff:00:01 198.18.40.1
lan0 h1 02:4e:54:00:00:11 198.18.40.11
lan0 h2 02:4e:54:00:00:12 198.18.40.12
lan0 h3 02:4e:54:00:00:13 198.18.40.13
in_ns h2 sysctl -q -w net.ipv4.ip_default_ttl=128

listen() {      # ns port addr
        in_ns "$1" socat "TCP4-LISTEN:$2,bind=$3,reuseaddr,fork" EXEC:/bin/true 2>/dev/null &
        PIDS+=($!)
}
listen h1 22 198.18.40.11
listen h1 80 198.18.40.11
listen h2 80 198.18.40.12
sleep 0.5

fail=0
chk() {
        if eval "$2"; then echo "ok: $1"; else echo "FAIL: $1"; fail=$((fail + 1)); fi
}

PORTS=22,23,80
RETRIES=1
# run NAME: one scan with tcpdump around it; out in $TMP/NAME.json, wire in $TMP/NAME.pcap.
run() {
        local name=$1 td
        in_ns scan tcpdump -q -U -i lan0 -s 0 -w "$TMP/$name.pcap" tcp 2>/dev/null &
        td=$!
        PIDS+=("$td")
        sleep 1
        local t0
        t0=$(date +%s.%N)
        in_ns scan "$NETINV_BIN" scan lan0 --probes arp,tcp --ports "$PORTS" --retries "$RETRIES" \
                --timeout 300 --oui none -f json -o "$TMP/$name.json" 2>"$TMP/$name.err"
        RC=$?
        ELAPSED=$(python3 -c "import time; print(round(time.time() - $t0, 2))")
        sleep 1
        kill "$td"; wait "$td" 2>/dev/null
}

# --dry-run: 253 addresses x (1 ARP + 3 ports) x (1 + 1 retry) packets at most, none sent.
in_ns scan "$NETINV_BIN" scan lan0 --probes arp,tcp --ports 22,23,80 --retries 1 --dry-run \
        >"$TMP/plan" 2>&1
chk "dry-run: at most 2024 packets" "grep -q '^packets  *at most 2024' '$TMP/plan'"

run plain
chk "scan exits 0 (got $RC; $(head -c 300 "$TMP/plain.err"))" "[[ $RC -eq 0 ]]"
chk "scan ends in a few seconds (${ELAPSED} s)" "python3 -c 'import sys; sys.exit(not $ELAPSED < 8)'"

python3 - "$TMP/plain.json" "$TMP/plain.pcap" >"$TMP/plain.check" <<'EOP'
import json, struct, sys
doc = json.load(open(sys.argv[1]))
devs = {d["mac"]: d for d in doc["devices"]}
def obs(mac, key):
    d = devs.get(mac)
    return sorted(o["value"] for o in (d["observations"] if d else []) if o["key"] == key)
def svc(mac):
    d = devs.get(mac)
    return sorted(s["port"] for s in (d.get("services") or [])) if d else None
def rules(mac):
    d = devs.get(mac)
    return sorted(e["rule"] for e in ((d or {}).get("os") or {}).get("evidence", []))
h1, h2, h3 = "02:4e:54:00:00:11", "02:4e:54:00:00:12", "02:4e:54:00:00:13"
print("h1-open", obs(h1, "tcp.open"))
print("h2-open", obs(h2, "tcp.open"))
print("h3-open", obs(h3, "tcp.open"))
print("h1-closed", obs(h1, "tcp.closed"))
print("h2-closed", obs(h2, "tcp.closed"))
print("h3-closed", obs(h3, "tcp.closed"))
print("h1-ttl", obs(h1, "ip.ttl"), "h2-ttl", obs(h2, "ip.ttl"))
print("h1-shape", obs(h1, "tcp.syn_ack"))
print("h1-svc", svc(h1), "h2-svc", svc(h2))
print("h1-rules", rules(h1))
scan_open = obs("02:4e:54:ff:00:01", "tcp.open") + obs("02:4e:54:ff:00:01", "tcp.closed")
print("scanner-tcp", scan_open)

# The wire: SYNs out, SYN-ACKs in, the scanner kernel's RSTs.
d = open(sys.argv[2], "rb").read()
off, syns, synacks, rsts = 24, [], 0, 0
while off + 16 <= len(d):
    cl = struct.unpack("<I", d[off + 8:off + 12])[0]
    f = d[off + 16:off + 16 + cl]
    off += 16 + cl
    if f[12:14] != b"\x08\x00" or f[23] != 6:
        continue
    ihl = (f[14] & 15) * 4
    t = f[14 + ihl:]
    fl = t[13]
    src, dst = f[26:30], f[30:34]
    sp, dp = struct.unpack(">HH", t[:4])
    if fl == 0x02:
        syns.append((dst[3], dp, sp, f[6:12].hex(), src[3]))
    elif fl & 0x12 == 0x12:
        synacks += 1
    elif fl == 0x04 and src[3] == 1:
        rsts += 1
print("syns", len(syns), "synacks", synacks, "kernel-rsts", rsts)
print("sports", len({s[2] for s in syns}), "from", sorted({(s[3], s[4]) for s in syns}))
pairs = {}
for s in syns:
    pairs[(s[0], s[1])] = pairs.get((s[0], s[1]), 0) + 1
print("pairs", sorted(pairs.items()))
print("each-once", len(pairs) == 9 and all(v == 1 for v in pairs.values()))
order = [s[1] for s in syns]
# port-major: the ports in the order of the first pass never go back
print("port-major", all(order[i] <= order[i + 1] for i in range(len(order) - 1)) or order)
EOP
cat "$TMP/plain.check"
c() { grep -q -- "$1" "$TMP/plain.check"; }
chk "h1: tcp.open 22 and 80" "c \"h1-open \\['22', '80'\\]\""
chk "h2: tcp.open 80" "c \"h2-open \\['80'\\]\""
chk "h3: no tcp.open" "c \"h3-open \\[\\]\""
chk "h1: tcp.closed 23; h2: 22 and 23; h3: all three" \
        "c \"h1-closed \\['23'\\]\" && c \"h2-closed \\['22', '23'\\]\" && c \"h3-closed \\['22', '23', '80'\\]\""
chk "ip.ttl 64 on h1, 128 on h2" "c \"h1-ttl \\['64'\\] h2-ttl \\['128'\\]\""
chk "h1's SYN-ACK has the Linux shape" \
        "c \"h1-shape \\['ttl=64,win=65160,mss=1460,opts=mss,sok,ts,nop,ws'\\]\""
chk "services: h1 22 and 80, h2 80" "c 'h1-svc \\[22, 80\\] h2-svc \\[80\\]'"
chk "rules syn-linux and ttl-64 seen for h1" "c \"h1-rules .*'syn-linux'.*'ttl-64'\""
chk "the scanner's own RSTs say nothing about it" "c 'scanner-tcp \\[\\]'"
chk "9 SYNs (3 hosts x 3 ports, all answered: no retry)" "c '^syns 9 '"
chk "3 SYN-ACKs, answered by 3 kernel RSTs" "c 'synacks 3 kernel-rsts 3'"
chk "one source port, the scanner's MAC and address" "c \"sports 1 from \\[('024e54ff0001', 1)\\]\""
chk "each (host, port) pair once" "c 'each-once True'"
chk "port-major order" "c 'port-major True'"

# A SYN to h3:23 that is never answered (dropped in h3): that pair alone is retried.
in_ns h3 ip rule add ipproto tcp sport 23 prohibit
run retry
chk "scan with a silent port exits 0 (got $RC)" "[[ $RC -eq 0 ]]"
python3 - "$TMP/retry.pcap" >"$TMP/retry.check" <<'EOP'
import struct, sys
d = open(sys.argv[1], "rb").read()
off, pairs = 24, {}
while off + 16 <= len(d):
    cl = struct.unpack("<I", d[off + 8:off + 12])[0]
    f = d[off + 16:off + 16 + cl]
    off += 16 + cl
    if f[12:14] == b"\x08\x00" and f[23] == 6:
        t = f[14 + (f[14] & 15) * 4:]
        if t[13] == 0x02:
            k = (f[33], struct.unpack(">H", t[2:4])[0])
            pairs[k] = pairs.get(k, 0) + 1
print("retried", sorted(k for k, v in pairs.items() if v > 1), "total", sum(pairs.values()))
EOP
cat "$TMP/retry.check"
chk "only h3:23 retried, once (10 SYNs)" "grep -q 'retried \\[(13, 23)\\] total 10' '$TMP/retry.check'"
in_ns h3 ip rule del ipproto tcp sport 23 prohibit

# ENOBUFS: ~170 SYNs/s get through a 100 kbit/s bucket with a queue of ~16 frames; the
# probe is offered 4000/s.
in_ns scan tc qdisc add dev lan0 root tbf rate 100kbit burst 1600 limit 1200
PORTS=1-63,80
RETRIES=0
run enobufs
drops=$(in_ns scan tc -s qdisc show dev lan0 | sed -n 's/.*dropped \([0-9]*\).*/\1/p' | head -1)
in_ns scan tc qdisc del dev lan0 root
chk "ENOBUFS: scan exits 0 (got $RC, ${ELAPSED} s)" "[[ $RC -eq 0 ]]"
chk "ENOBUFS: the queue refused ${drops:-?} frames" "[[ ${drops:-0} -gt 0 ]]"
python3 - "$TMP/enobufs.json" >"$TMP/enobufs.check" <<'EOP'
import json, sys
doc = json.load(open(sys.argv[1]))
for d in doc["devices"]:
    o = [x for x in d["observations"] if x["key"] in ("tcp.open", "tcp.closed")]
    if o:
        print(d["mac"], len({x["value"] for x in o}),
              sorted(int(x["value"]) for x in o if x["key"] == "tcp.open"))
EOP
cat "$TMP/enobufs.check"
chk "ENOBUFS: every pair answered all the same (64 ports x 3 hosts)" \
        "grep -qx '02:4e:54:00:00:11 64 \[22, 80\]' '$TMP/enobufs.check' &&
         grep -qx '02:4e:54:00:00:12 64 \[80\]' '$TMP/enobufs.check' &&
         grep -qx '02:4e:54:00:00:13 64 \[\]' '$TMP/enobufs.check'"

echo "lan-tcp: $fail failed"
[[ $fail -eq 0 ]]
