#!/usr/bin/env bash
# ssdp.sh - makes tests/captures/ssdp-*.pcap: real SSDP (UPnP Device
# Architecture §1) from real programs, on a LAN of network namespaces.
#
#   sudo tests/captures/make/ssdp.sh [OUTDIR]    (default: tests/captures)
#
#   nhss-br    bridge br0 (no IPv6 on the bridge side)
#   nhss-nas   lan0 198.18.2.10/24  00:11:32:00:02:0a  minidlna (MediaServer:1)
#   nhss-igd   lan0 198.18.2.1/24   50:c7:bf:00:02:01  miniupnpd (IGD:2)
#              wan0 198.18.3.1/24 (one end of a veth pair that stays inside nhss-igd:
#              miniupnpd wants an external interface; the dummy module is not loaded here)
#   nhss-cp    lan0 198.18.2.100/24 02:4e:4c:ff:02:64  control points: upnpc, nmap, python3
#
# Timeline: tcpdump starts on nhss-cp; minidlna and miniupnpd start and send
# their ssdp:alive NOTIFYs; upnpc -l, nmap broadcast-upnp-info and a short
# python3 M-SEARCH (ssdp:all, with USER-AGENT) search, and the daemons answer
# by unicast from port 1900; the daemons are stopped with SIGTERM and send
# ssdp:byebye. The full capture is then cut into the committed files.
#
# Only 198.18.0.0/15 is used (IPv6 is off on every interface: miniupnpd
# speaks SSDP over IPv6 only with a global address); nothing is attached to
# the root namespace. Needs root, minidlna, miniupnpd(-nftables),
# miniupnpc, nmap, tcpdump, tshark/editcap, python3.
set -euo pipefail

P=nhss
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${1:-$HERE/..}
WORK=$(mktemp -d /tmp/$P.XXXXXX)
NS=("$P-br" "$P-nas" "$P-igd" "$P-cp")
PIDS=()

cleanup() {
        local pid ns
        for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
        sleep 0.3
        for pid in "${PIDS[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
        # anything still inside our namespaces was started by this script
        for ns in "${NS[@]}"; do
                [[ -e /run/netns/$ns ]] || continue
                for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null || true; done
        done
        for ns in "${NS[@]}"; do [[ -e /run/netns/$ns ]] && ip netns del "$ns"; done
        rm -rf "$WORK"
}
trap cleanup EXIT

[[ $(id -u) == 0 ]] || { echo "ssdp.sh: must run as root" >&2; exit 1; }
for ns in "${NS[@]}"; do
        [[ -e /run/netns/$ns ]] && { echo "ssdp.sh: $ns exists (left over?)" >&2; exit 1; }
done

# ---------------------------------------------------------------- topology
ip netns add $P-br
ip netns exec $P-br sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
ip -n $P-br link set lo up
ip -n $P-br link add br0 type bridge stp_state 0 forward_delay 0 mcast_snooping 0
ip -n $P-br link set br0 up

host() { # name mac ip
        local ns=$P-$1
        ip netns add "$ns"
        ip -n $P-br link add "$1" type veth peer name lan0 netns "$ns" address "$2"
        ip -n $P-br link set "$1" master br0 up
        ip -n "$ns" link set lo up
        ip -n "$ns" link set lan0 addrgenmode none
        ip -n "$ns" link set lan0 up
        ip -n "$ns" addr add "$3/24" dev lan0
        ip -n "$ns" route add 224.0.0.0/4 dev lan0
}
host nas 00:11:32:00:02:0a 198.18.2.10
host igd 50:c7:bf:00:02:01 198.18.2.1
host cp 02:4e:4c:ff:02:64 198.18.2.100
ip -n $P-igd link add wan0 type veth peer name wanx
ip -n $P-igd link set wan0 addrgenmode none
ip -n $P-igd link set wanx addrgenmode none
ip -n $P-igd link set wanx up
ip -n $P-igd link set wan0 up
ip -n $P-igd addr add 198.18.3.1/24 dev wan0

# ---------------------------------------------------------------- capture
ip netns exec $P-cp tcpdump -n -i lan0 -s 0 -U -w "$WORK/all.pcap" 'udp port 1900' \
        2> "$WORK/tcpdump.log" &
PIDS+=($!)
TCPDUMP=$!
sleep 1

# ---------------------------------------------------------------- devices
mkdir -p "$WORK/nas/media" "$WORK/nas/db" "$WORK/nas/log"
cat > "$WORK/nas/minidlna.conf" <<EOF
media_dir=V,$WORK/nas/media
db_dir=$WORK/nas/db
log_dir=$WORK/nas/log
network_interface=lan0
port=8200
friendly_name=nhss-nas
serial=NHSS0001
model_number=1
uuid=4d696e69-444c-164e-9d41-00113200020a
inotify=no
notify_interval=900
EOF
ip netns exec $P-nas minidlnad -d -f "$WORK/nas/minidlna.conf" -P "$WORK/nas/minidlna.pid" \
        > "$WORK/nas/minidlna.log" 2>&1 &
PIDS+=($!)
NAS=$!

cat > "$WORK/igd.conf" <<EOF
ext_ifname=wan0
listening_ip=lan0
http_port=5000
enable_natpmp=no
enable_upnp=yes
secure_mode=yes
friendly_name=nhss-router
model_number=1
serial=NHSS0002
uuid=2c0b3e0a-7b5e-4b1e-9a6e-50c7bf000201
notify_interval=900
lease_file=$WORK/igd.leases
allow 1024-65535 198.18.2.0/24 1024-65535
deny 0-65535 0.0.0.0/0 0-65535
EOF
# a private /var/run: miniupnpd keeps state there besides the pid file
ip netns exec $P-igd unshare --mount sh -c \
        "mount -t tmpfs tmpfs /var/run && exec miniupnpd -d -f $WORK/igd.conf -P $WORK/igd.pid" \
        > "$WORK/igd.log" 2>&1 &
PIDS+=($!)
IGD=$!
sleep 4

# ---------------------------------------------------------------- control points
ip netns exec $P-cp timeout 10 upnpc -m lan0 -l > "$WORK/upnpc.log" 2>&1 || true
sleep 1
ip netns exec $P-cp timeout 30 nmap -n -e lan0 --script broadcast-upnp-info \
        > "$WORK/nmap.log" 2>&1 || true
sleep 1
ip netns exec $P-cp timeout 10 python3 - <<'EOF' > "$WORK/msearch.log" 2>&1 || true
# One M-SEARCH as UDA 2.0 §1.3.2 writes it, from an ephemeral port; print the replies.
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton("198.18.2.100"))
s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 2)
s.bind(("198.18.2.100", 0))
msg = ("M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: \"ssdp:discover\"\r\n"
       "MX: 1\r\nST: ssdp:all\r\n"
       "USER-AGENT: Linux/6.1 UPnP/2.0 nhss-probe/1.0\r\n\r\n")
s.sendto(msg.encode(), ("239.255.255.250", 1900))
s.settimeout(0.5)
end = time.time() + 3
while time.time() < end:
    try:
        data, peer = s.recvfrom(2048)
        print(peer, data.split(b"\r\n")[0])
    except socket.timeout:
        pass
EOF
sleep 1

# ---------------------------------------------------------------- byebye
kill -TERM "$NAS" "$IGD"
sleep 2
kill -INT "$TCPDUMP"
wait "$TCPDUMP" || true

echo "--- upnpc"; cat "$WORK/upnpc.log"
echo "--- nmap"; cat "$WORK/nmap.log"
echo "--- python M-SEARCH"; cat "$WORK/msearch.log"

# ---------------------------------------------------------------- cut
# One file per sender. The daemons repeat every announcement (minidlna sends
# each twice, both daemons again at shutdown as byebye, minidlna also at
# start-up), so only the first frame of each distinct UDP payload is kept.
ts() { tshark "$@" 2>/dev/null; }
cut() { # filter file
        local keep
        keep=$(ts -r "$WORK/all.pcap" -Y "$1" -T fields -e frame.number -e udp.payload |
                awk '!seen[$2]++ { printf "%s%s", sep, $1; sep = "," }')
        ts -r "$WORK/all.pcap" -Y "frame.number in {$keep}" -F pcap -w "$OUT/$2"
        echo "--- $2: $(ts -r "$OUT/$2" | wc -l) frames"
        ts -r "$OUT/$2" -T fields -e ip.src -e udp.srcport -e udp.dstport -e frame.len -e _ws.col.Info
}
cut 'eth.src==00:11:32:00:02:0a' ssdp-minidlna.pcap
cut 'eth.src==50:c7:bf:00:02:01' ssdp-miniupnpd.pcap
cut 'eth.src==02:4e:4c:ff:02:64 && ssdp' ssdp-msearch.pcap
