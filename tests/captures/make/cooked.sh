#!/usr/bin/env bash
# cooked.sh - Linux cooked captures (SLL v1 and v2) of real traffic, as
# tcpdump writes them for the "any" device. Two namespaces joined by a veth
# pair on 198.18.11.0/24: udhcpc broadcasts DISCOVERs (no server answers),
# the other side pings an absent neighbour (ARP). Run as root from the
# repository top; writes tests/captures/cooked-sll{,2}.pcap.
set -euo pipefail
a=nhck-a-$$ b=nhck-b-$$ out=tests/captures tmp=$(mktemp -d)
cleanup() {
        for ns in "$a" "$b"; do
                ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null || true
                ip netns del "$ns" 2>/dev/null || true
        done
        rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
ip netns add "$a"; ip netns add "$b"
ip -n "$a" link add lan0 address 24:0a:c4:0b:00:01 type veth peer name lan0 \
        address 00:15:5d:0b:00:02 netns "$b"
ip -n "$a" link set lan0 up
ip -n "$b" addr add 198.18.11.2/24 dev lan0
ip -n "$b" link set lan0 up
printf '#!/bin/sh\nexit 0\n' >"$tmp/script"; chmod +x "$tmp/script"
for v in LINUX_SLL LINUX_SLL2; do
        f=$out/cooked-$(echo "$v" | tr 'A-Z_' 'a-z-' | sed 's/linux-//').pcap
        ip netns exec "$b" tcpdump -q -n -i any -y "$v" -s 0 -w "$f" 'arp or udp port 67 or udp port 68' \
                2>/dev/null & dump=$!
        sleep 1
        ip netns exec "$a" unshare --uts sh -c "hostname cooked-plug; udhcpc -i lan0 -q -n -t 2 -T 1 \
                -s $tmp/script -x hostname:cooked-plug -V 'udhcp 1.35.0'" >/dev/null 2>&1 || true
        ip netns exec "$b" ping -c 1 -W 1 198.18.11.9 >/dev/null 2>&1 || true
        sleep 0.5
        kill -INT "$dump"; wait "$dump" || true
done
