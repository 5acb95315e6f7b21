#!/bin/sh
# tcp.sh - real SYN-ACKs (and RST+ACKs from closed ports) from Linux servers, for
# the TCP dissector (src/dissect/tcp.c) and the tcp probe's tests.
#
# Three network namespaces on one bridge, 198.18.40.0/24 only:
#   tcp-cli  br0  198.18.40.1   02:4e:54:00:00:01   clients (socat, nmap, scapy), tcpdump
#   tcp-lin  lan0 198.18.40.2   02:4e:54:00:00:02   socat listeners :22 :80 (v4), :80 (v6
#                                                     link-local); default TTL 64
#   tcp-win  lan0 198.18.40.3   02:4e:54:00:00:03   socat listener :80, with
#                                                     net.ipv4.ip_default_ttl=128 (what a
#                                                     Windows host sends)
# The SYN-ACK is the peer kernel's own (the listener only has to exist). Nothing listens
# outside these namespaces; the trap kills the listeners and deletes the namespaces,
# also on failure. IPv6 is link-local only, inside the bridge.
#
# Usage (root): tests/captures/make/tcp.sh [OUTDIR]   (default: tests/captures)
# Writes:
#   tcp-linux.pcap   Linux client connect() to :22 (full option set), to :23 (closed:
#                    RST+ACK), and over IPv6 link-local to :80
#   tcp-ttl128.pcap  the same connect() to the TTL-128 peer :80
#   tcp-nmap.pcap    nmap -sS -p22,23,80 (a SYN with MSS only), the SYN-ACKs, the
#                    RST+ACK of the closed port, and the scanning kernel's RSTs
#   tcp-syn-ref.pcap scapy's SYN frame with netinv's field values (the frame builder's
#                    reference, see tests/unit/test-probe-tcp.c)
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${1:-$HERE/..}
W=$(mktemp -d /tmp/tcp-cap.XXXXXX)
CLI=tcp-cli
LIN=tcp-lin
WIN=tcp-win
PIDS=

cleanup() {
        set +e
        for p in $PIDS; do kill "$p" 2>/dev/null; done
        sleep 0.3
        for p in $PIDS; do kill -9 "$p" 2>/dev/null; done
        for ns in $CLI $LIN $WIN; do ip netns del $ns 2>/dev/null; done
        rm -rf "$W"
}
trap cleanup EXIT INT TERM

for ns in $CLI $LIN $WIN; do
        [ -e /run/netns/$ns ] && { echo "tcp.sh: namespace $ns exists (left over?)" >&2; exit 1; }
done
ip netns add $CLI
ip netns add $LIN
ip netns add $WIN
ip -n $CLI link add br0 address 02:4e:54:00:00:01 type bridge
ip -n $CLI link add p-lin type veth peer name lan0 netns $LIN address 02:4e:54:00:00:02
ip -n $CLI link add p-win type veth peer name lan0 netns $WIN address 02:4e:54:00:00:03
for p in p-lin p-win; do
        ip -n $CLI link set $p master br0
        ip -n $CLI link set $p up
done
ip -n $CLI link set br0 up
ip -n $CLI link set lo up
ip -n $CLI addr add 198.18.40.1/24 dev br0
for ns in $LIN $WIN; do
        ip -n $ns link set lo up
        ip -n $ns link set lan0 up
done
ip -n $LIN addr add 198.18.40.2/24 dev lan0
ip -n $WIN addr add 198.18.40.3/24 dev lan0
ip netns exec $WIN sysctl -qw net.ipv4.ip_default_ttl=128
# Link-local IPv6 for one v6 SYN-ACK; no DAD delay.
for ns in $CLI $LIN; do
        ip netns exec $ns sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
done
ip -n $LIN addr add fe80::4e54:2/64 dev lan0 nodad
ip -n $CLI addr add fe80::4e54:1/64 dev br0 nodad
sleep 1

listen() {      # ns addr-spec
        ip netns exec "$1" socat "$2",reuseaddr,fork EXEC:/bin/true 2>/dev/null &
        PIDS="$PIDS $!"
}
listen $LIN TCP4-LISTEN:22,bind=198.18.40.2
listen $LIN TCP4-LISTEN:80,bind=198.18.40.2
listen $LIN TCP6-LISTEN:80,ipv6only=1
listen $WIN TCP4-LISTEN:80,bind=198.18.40.3
sleep 1

# Warm the neighbour caches, so that the captures hold only TCP.
ip netns exec $CLI ping -c1 -W1 198.18.40.2 >/dev/null
ip netns exec $CLI ping -c1 -W1 198.18.40.3 >/dev/null
ip netns exec $CLI ping -6 -c1 -W1 fe80::4e54:2%br0 >/dev/null || true

capture() {     # file, then the command
        f=$1; shift
        ip netns exec $CLI tcpdump -q -U -i br0 -s 0 -w "$W/$f" tcp 2>/dev/null &
        td=$!
        sleep 1
        "$@" || true
        sleep 1
        kill $td; wait $td 2>/dev/null || true
}

connect() {     # addr-spec
        ip netns exec $CLI socat -T1 -u "$1" /dev/null </dev/null 2>/dev/null || true
}

linux_clients() {
        connect TCP4:198.18.40.2:22
        connect TCP4:198.18.40.2:23
        connect "TCP6:[fe80::4e54:2%br0]:80"
}
capture tcp-linux.pcap linux_clients
capture tcp-ttl128.pcap connect TCP4:198.18.40.3:80
capture tcp-nmap.pcap ip netns exec $CLI nmap -n -sS -Pn -p22,23,80 --max-retries 0 198.18.40.2

# Keep the TCP frames only (tcpdump wrote nothing else), small as they are.
for f in tcp-linux.pcap tcp-ttl128.pcap tcp-nmap.pcap; do
        cp "$W/$f" "$OUT/$f"
done

# The frame builder's reference: the SYN netinv's tcp probe sends, built by scapy with the
# same fields netinv's test uses (see tests/unit/test-probe-tcp.c for the values).
/usr/bin/python3 - "$OUT/tcp-syn-ref.pcap" <<'EOP'
import sys
from scapy.all import Ether, IP, TCP, wrpcap
p = (Ether(src="02:4e:54:00:00:01", dst="02:4e:54:00:00:02") /
     IP(src="198.18.40.1", dst="198.18.40.2", id=0x1234, flags="DF", ttl=64, tos=0) /
     TCP(sport=45678, dport=22, seq=0x01020304, ack=0, flags="S", window=64240,
         options=[("MSS", 1460), ("SAckOK", b""), ("Timestamp", (0x0a0b0c0d, 0)),
                  ("NOP", None), ("WScale", 7)]))
wrpcap(sys.argv[1], [p])
EOP
echo "tcp.sh: wrote tcp-linux.pcap tcp-ttl128.pcap tcp-nmap.pcap tcp-syn-ref.pcap in $OUT"
