#!/bin/bash
# lldp.sh - make tests/captures/lldp-lldpd.pcap and cdp-lldpd.pcap.
#
# Two network namespaces joined by one veth pair, nothing attached to the
# root namespace, addresses from 198.18.0.0/15 only:
#
#   nhll-a  lan0 02:6e:68:6c:00:0a 198.18.0.10/24   lldpd "switch": LLDP untagged,
#           LLDP-MED class 4, mgmt address 198.18.0.10, CDPv2 forced and CDPv1
#           once it hears b's CDPv1 (-ccc),
#           an IEEE 802.1 port VLAN ID TLV (PVID 100) as a custom TLV, because
#           this kernel has no VLAN-aware bridge for lldpd to read a PVID from
#   nhll-b  lan0 02:6e:68:6c:00:0b 198.18.0.11/24   lldpd "endpoint": LLDP sent in
#           VLAN 100 (802.1Q tag), LLDP-MED class 1 with inventory, CDPv1 forced
#           and CDPv2 once it hears a's (-cc); tcpdump here
#
# Both run with -l (LLDP forced): lldpd otherwise sends LLDP only when no
# protocol is forced or an LLDP peer has been heard, so with CDP forced on
# both sides neither would ever send an LLDPDU.
#
# Each lldpd runs with its own control socket, in its own mount namespace
# with a tmpfs over /run (so its chroot /run/lldpd and anything else it
# writes there are private), its own UTS namespace, and only on lan0 (-I).
# Every value the captures carry is set here (configure ... below), so
# nothing of this machine (kernel, DMI serial numbers) leaks into them.
#
# Usage (root): tests/captures/make/lldp.sh [OUTDIR]   (default: tests/captures)
# Needs: iproute2, lldpd (1.0.16 when made), tcpdump, tshark/editcap/mergecap.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/..}
P=nhll
NA=$P-a NB=$P-b
work=$(mktemp -d /tmp/nhll.XXXXXX)
chmod 711 "$work"   # lldpd runs lldpcli as _lldpd: it must reach the socket
pids=()

cleanup() {
        local p
        for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
        sleep 0.5
        for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
        # anything still inside our namespaces was started by this script
        for ns in $NA $NB; do
                [[ -e /run/netns/$ns ]] || continue
                for p in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$p" 2>/dev/null || true; done
                ip netns del "$ns" 2>/dev/null || true
        done
        rm -rf "$work"
}
trap cleanup EXIT

[[ $(id -u) == 0 ]] || { echo "lldp.sh: needs root (network namespaces)" >&2; exit 1; }
for ns in $NA $NB; do
        [[ ! -e /run/netns/$ns ]] || { echo "lldp.sh: $ns exists (left over?)" >&2; exit 1; }
done

ip netns add $NA
ip netns add $NB
# created inside nhll-a, peer moved straight into nhll-b: never in the root namespace
ip -n $NA link add lan0 address 02:6e:68:6c:00:0a type veth \
        peer name lan0 netns $NB address 02:6e:68:6c:00:0b
for ns in $NA $NB; do
        ip netns exec $ns sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 \
                net.ipv6.conf.default.disable_ipv6=1
        ip -n $ns link set lo up
done
ip netns exec $NA sysctl -q -w net.ipv6.conf.lan0.disable_ipv6=1 net.ipv4.ip_forward=1
ip netns exec $NB sysctl -q -w net.ipv6.conf.lan0.disable_ipv6=1
ip -n $NA addr add 198.18.0.10/24 dev lan0
ip -n $NB addr add 198.18.0.11/24 dev lan0
ip -n $NA link set lan0 up
ip -n $NB link set lan0 up

cat > "$work/a.conf" <<'EOF'
configure system hostname nhll-sw1.lab.example
configure system description "netinv lab switch (lldpd)"
configure system platform netinv-lab-platform
configure system capabilities enabled bridge,router
configure lldp tx-interval 2
configure ports lan0 lldp portdescription "uplink to endpoint"
configure lldp custom-tlv oui 00,80,c2 subtype 1 oui-info 00,64
configure inventory hardware-revision HW-A1
configure inventory software-revision SW-A2
configure inventory firmware-revision FW-A3
configure inventory serial-number SN-NHLL-A
configure inventory manufacturer "netinv lab"
configure inventory model "nhll switch"
configure inventory asset ASSET-A
EOF
cat > "$work/b.conf" <<'EOF'
configure system hostname nhll-ep1
configure system description "netinv lab endpoint (lldpd)"
configure system platform netinv-lab-endpoint
configure system capabilities enabled station
configure lldp tx-interval 2
configure lldp portidsubtype ifname
configure ports lan0 lldp vlan-tx 100
configure inventory hardware-revision HW-B1
configure inventory software-revision SW-B2
configure inventory firmware-revision FW-B3
configure inventory serial-number SN-NHLL-B
configure inventory manufacturer "netinv lab"
configure inventory model "nhll endpoint"
configure inventory asset ASSET-B
EOF

# lldpd NS NAME ARGS...: private /run, hostname, control socket in $work
start_lldpd() {
        local ns=$1 name=$2; shift 2
        setsid ip netns exec "$ns" unshare --mount --uts --propagation private sh -c \
                "hostname $name && mount -t tmpfs tmpfs /run && mkdir -m 755 /run/lldpd && \
                 exec lldpd ${NHLL_DEBUG:--d} -I lan0 -u $work/$name.sock -O $work/$name.conf $*" \
                > "$work/$name.log" 2>&1 < /dev/null &
        pids+=($!)
}

raw=$work/raw.pcap
ip netns exec $NB tcpdump -n -i lan0 -s 0 -U -w "$raw" 'ether proto 0x88cc or vlan or ether dst 01:00:0c:cc:cc:cc' \
        > "$work/tcpdump.log" 2>&1 &
tcpdump_pid=$!
pids+=($tcpdump_pid)
sleep 1
start_lldpd $NA a -m 198.18.0.10 -M 4 -l -ccc
start_lldpd $NB b -m 198.18.0.11 -M 1 -l -cc
sleep "${NHLL_SECONDS:-12}"
ip netns exec $NA lldpcli -u "$work/a.sock" show neighbors details || true
kill -INT $tcpdump_pid
wait $tcpdump_pid || true
cat "$work"/*.log >&2 || true

if [[ -n ${NHLL_KEEP:-} ]]; then cp "$raw" "$NHLL_KEEP"; fi
# Trim: the first LLDPDU each daemon sent (untagged from a, tagged from b),
# and the first CDPv1 and CDPv2 frame of each.
first() { tshark -r "$raw" -Y "$1" -T fields -e frame.number 2>/dev/null | head -1; }
A=02:6e:68:6c:00:0a B=02:6e:68:6c:00:0b
la=$(first "lldp && eth.src==$A && !vlan")
lb=$(first "lldp && eth.src==$B && vlan.id==100")
c1a=$(first "cdp.version==1 && eth.src==$A")
c2a=$(first "cdp.version==2 && eth.src==$A")
c1b=$(first "cdp.version==1 && eth.src==$B")
c2b=$(first "cdp.version==2 && eth.src==$B")
echo "frames: lldp a=$la b=$lb cdp v1 a=$c1a b=$c1b v2 a=$c2a b=$c2b" >&2
for f in "$la" "$lb" "$c1a" "$c2a" "$c1b" "$c2b"; do
        [[ -n $f ]] || { echo "lldp.sh: a frame is missing (see the log above)" >&2; exit 1; }
done
# One file per frame, then concatenated in a fixed order (the unit tests
# rely on it): lldp = a, b; cdp = a CDPv2, b CDPv1, a CDPv1, b CDPv2.
# Classic pcap: no pcapng section header naming this machine's OS.
one() { editcap -F pcap -r "$raw" "$work/f$1.pcap" "$1"; echo "$work/f$1.pcap"; }
mergecap -a -F pcap -w "$out/lldp-lldpd.pcap" "$(one "$la")" "$(one "$lb")"
mergecap -a -F pcap -w "$out/cdp-lldpd.pcap" "$(one "$c2a")" "$(one "$c1b")" "$(one "$c1a")" \
        "$(one "$c2b")"
tshark -r "$out/lldp-lldpd.pcap" -V -O lldp >&2
tshark -r "$out/cdp-lldpd.pcap" -V -O cdp >&2
