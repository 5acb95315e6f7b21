#!/bin/bash
# mcast.sh - take the reference packets of the ipv6, mdns and nbns probes'
# unit tests (tests/unit/test-probe-{ipv6,mdns,nbns}.c) from real programs.
#
# One network namespace, mc-ref, holding a veth pair lan0 <-> peer0 (MACs
# 02:6d:63:00:00:01 / :02, 198.18.42.1/24 and 198.18.42.2/24, IPv6
# link-local only), nothing attached to the root namespace. tcpdump on lan0
# records:
#   ping -6 -s 0 -c 1 ff02::1%lan0      an ICMPv6 echo request without data
#   dig -p 5353 @224.0.0.251 ...        mDNS questions from an ephemeral port
# and the script prints each packet in hex (tshark -x), which the unit tests
# hold as their reference bytes. A trap deletes the namespace (and with it
# the veth pair) and kills tcpdump, also on failure.
#
# Usage (root): tests/captures/make/mcast.sh [OUTDIR]   (default: a temporary directory)
# Needs: iproute2, iputils-ping, bind9-dnsutils (dig), tcpdump, tshark. (The NBNS
# request's reference is banner-nbns-nmbd.pcap, made by make/banner.sh.)
set -euo pipefail

NS=mc-ref
out=${1:-$(mktemp -d /tmp/mc-ref.XXXXXX)}
mkdir -p "$out"
tcpdump_pid=

cleanup() {
        [[ -n $tcpdump_pid ]] && kill "$tcpdump_pid" 2>/dev/null && wait "$tcpdump_pid" 2>/dev/null
        [[ -e /run/netns/$NS ]] && ip netns del "$NS"
        return 0
}
trap cleanup EXIT

[[ -e /run/netns/$NS ]] && ip netns del "$NS"
ip netns add "$NS"
ip -n "$NS" -batch - <<'B'
link set lo up
link add lan0 address 02:6d:63:00:00:01 type veth peer name peer0 address 02:6d:63:00:00:02
addr add 198.18.42.1/24 dev lan0
addr add 198.18.42.2/24 dev peer0
link set lan0 up
link set peer0 up
route add 224.0.0.0/4 dev lan0
B
in_ns() { ip netns exec "$NS" "$@"; }
# wait for the link-local address (DAD)
for _ in $(seq 50); do
        in_ns ip -6 addr show dev lan0 scope link | grep -q 'inet6 .* scope link *$' && break
        in_ns ip -6 addr show dev lan0 scope link | grep -qv tentative && break
        sleep 0.1
done
sleep 2
# nsenter, not `ip netns exec` (which forks: $! would not be tcpdump).
nsenter --net="/run/netns/$NS" tcpdump -i lan0 -w "$out/mcast-ref.pcap" -U -n \
        'icmp6[0] == 128 or udp port 5353' >/dev/null 2>&1 &
tcpdump_pid=$!
sleep 1
in_ns ping -6 -s 0 -c 1 -W 1 ff02::1%lan0 >/dev/null || true
# dig: one question per query; +norecurse +noad +noedns +nocookie make the
# header an mDNS query's (no RD, no AD, no OPT record); only the ID differs.
for q in "_services._dns-sd._udp.local PTR" "lab-printer._device-info._tcp.local SRV" \
         "lab-printer.local A"; do
        # shellcheck disable=SC2086
        in_ns dig -b 198.18.42.1 -p 5353 @224.0.0.251 +norecurse +noad +noedns +nocookie \
                +tries=1 +time=1 $q >/dev/null || true
done
sleep 1
kill "$tcpdump_pid"; wait "$tcpdump_pid" 2>/dev/null || true
tcpdump_pid=
tshark -Q -r "$out/mcast-ref.pcap" -x
echo "capture: $out/mcast-ref.pcap" >&2
