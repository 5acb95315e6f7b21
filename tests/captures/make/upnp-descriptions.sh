#!/usr/bin/env bash
# upnp-descriptions.sh - makes tests/data/upnp/*.xml: the UPnP device
# descriptions (UDA 2.0 §2.3) that real programs serve at their SSDP
# LOCATION, fetched the way netinv's ssdp probe fetches them.
#
#   sudo tests/captures/make/upnp-descriptions.sh [OUTDIR]  (default: tests/data/upnp)
#
#   ssdp-mk-br   bridge br0
#   ssdp-mk-nas  lan0 198.18.43.10/24 minidlna (MediaServer:1), port 8200
#   ssdp-mk-igd  lan0 198.18.43.1/24  miniupnpd (InternetGatewayDevice:2), port 5000
#                wan0 198.18.43.254/32, one end of a veth pair that stays inside
#                ssdp-mk-igd (miniupnpd wants an external interface)
#   ssdp-mk-dms  lan0 198.18.43.11/24  gerbera (MediaServer:1), port 49152
#   ssdp-mk-dmr  lan0 198.18.43.12/24  gmediarender (MediaRenderer:1), port 49494
#   ssdp-mk-cp   lan0 198.18.43.100/24 the control point: python3 M-SEARCH, curl
#
# The control point sends one M-SEARCH (ssdp:all), reads the LOCATIONs of
# the answers and fetches each with curl (no proxy, 64 KiB at most); the
# bodies are saved as <program>-<path>.xml. Only 198.18.43.0/24 is used;
# nothing is attached to the root namespace. Needs root, minidlna,
# miniupnpd, gerbera, gmediarender, curl, python3.
set -euo pipefail

P=ssdp-mk
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${1:-$HERE/../../data/upnp}
WORK=$(mktemp -d /tmp/$P.XXXXXX)
NS=("$P-br" "$P-nas" "$P-igd" "$P-dms" "$P-dmr" "$P-cp")
PIDS=()

cleanup() {
        local pid ns
        for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
        sleep 0.3
        for pid in "${PIDS[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
        for ns in "${NS[@]}"; do
                [[ -e /run/netns/$ns ]] || continue
                for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null || true; done
        done
        for ns in "${NS[@]}"; do [[ -e /run/netns/$ns ]] && ip netns del "$ns"; done
        rm -rf "$WORK"
}
trap cleanup EXIT

[[ $(id -u) == 0 ]] || { echo "upnp-descriptions.sh: must run as root" >&2; exit 1; }
for ns in "${NS[@]}"; do
        [[ -e /run/netns/$ns ]] && { echo "upnp-descriptions.sh: $ns exists (left over?)" >&2; exit 1; }
done

ip netns add $P-br
ip netns exec $P-br sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
ip -n $P-br link set lo up
ip -n $P-br link add br0 type bridge stp_state 0 forward_delay 0 mcast_snooping 0
ip -n $P-br link set br0 up

host() { # name mac ip
        local ns=$P-$1
        ip netns add "$ns"
        ip netns exec "$ns" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
        ip -n $P-br link add "$1" type veth peer name lan0 netns "$ns" address "$2"
        ip -n $P-br link set "$1" master br0 up
        ip -n "$ns" link set lo up
        ip -n "$ns" link set lan0 up
        ip -n "$ns" addr add "$3/24" dev lan0
        ip -n "$ns" route add 224.0.0.0/4 dev lan0
}
host nas 00:11:32:00:43:0a 198.18.43.10
host igd 50:c7:bf:00:43:01 198.18.43.1
host dms 02:4e:4c:00:43:0b 198.18.43.11
host dmr 02:4e:4c:00:43:0c 198.18.43.12
host cp 02:4e:4c:ff:43:64 198.18.43.100
ip -n $P-igd link add wan0 type veth peer name wanx
ip -n $P-igd link set wanx up
ip -n $P-igd link set wan0 up
ip -n $P-igd addr add 198.18.43.254/32 dev wan0

mkdir -p "$WORK/nas/media" "$WORK/nas/db" "$WORK/nas/log"
cat > "$WORK/nas/minidlna.conf" <<CONF
media_dir=V,$WORK/nas/media
db_dir=$WORK/nas/db
log_dir=$WORK/nas/log
network_interface=lan0
port=8200
friendly_name=ssdp-nas
serial=SSDP0001
model_number=1
uuid=4d696e69-444c-164e-9d41-00113200430a
inotify=no
notify_interval=900
CONF
ip netns exec $P-nas minidlnad -d -f "$WORK/nas/minidlna.conf" -P "$WORK/nas/minidlna.pid" \
        > "$WORK/nas/minidlna.log" 2>&1 &
PIDS+=($!)

cat > "$WORK/igd.conf" <<CONF
ext_ifname=wan0
listening_ip=lan0
http_port=5000
enable_natpmp=no
enable_upnp=yes
secure_mode=yes
friendly_name=ssdp-router
model_number=1
serial=SSDP0002
uuid=2c0b3e0a-7b5e-4b1e-9a6e-50c7bf004301
notify_interval=900
lease_file=$WORK/igd.leases
allow 1024-65535 198.18.43.0/24 1024-65535
deny 0-65535 0.0.0.0/0 0-65535
CONF
ip netns exec $P-igd unshare --mount sh -c \
        "mount -t tmpfs tmpfs /var/run && exec miniupnpd -d -f $WORK/igd.conf -P $WORK/igd.pid" \
        > "$WORK/igd.log" 2>&1 &
PIDS+=($!)
mkdir -p "$WORK/dms"
ip netns exec $P-dms gerbera --interface lan0 --port 49152 --home "$WORK/dms" \
        --logfile "$WORK/dms/log" > "$WORK/dms/out" 2>&1 &
PIDS+=($!)
ip netns exec $P-dmr gmediarender -I lan0 -p 49494 -f ssdp-dmr \
        -u 3b6c4b0e-2f7e-4c3f-9a1e-024e4c00430c --gstout-audiosink=fakesink \
        --logfile "$WORK/dmr.log" > "$WORK/dmr.out" 2>&1 &
PIDS+=($!)
sleep 5

ip netns exec $P-cp timeout 10 python3 - > "$WORK/locations" <<'PY'
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton("198.18.43.100"))
s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 2)
s.bind(("198.18.43.100", 0))
s.sendto(b"M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: \"ssdp:discover\"\r\n"
         b"MX: 1\r\nST: ssdp:all\r\n\r\n", ("239.255.255.250", 1900))
s.settimeout(0.5)
seen, end = set(), time.time() + 2.5
while time.time() < end:
    try:
        data, peer = s.recvfrom(2048)
    except socket.timeout:
        continue
    for line in data.split(b"\r\n"):
        if line.lower().startswith(b"location:"):
            loc = line.split(b":", 1)[1].strip().decode()
            if loc not in seen:
                seen.add(loc)
                print(loc)
PY
cat "$WORK/locations"
while read -r loc; do
        case $loc in
        http://198.18.43.10:*) prog=minidlna ;;
        http://198.18.43.1:*) prog=miniupnpd ;;
        http://198.18.43.11:*) prog=gerbera ;;
        http://198.18.43.12:*) prog=gmediarender ;;
        *) continue ;;
        esac
        path=${loc#http://*/}
        path=${path%%\?*}
        out="$OUT/$prog-${path//\//_}"
        ip netns exec $P-cp curl -sS --noproxy '*' --max-filesize 65536 -m 3 -o "$out" "$loc"
        echo "$loc -> $out ($(wc -c < "$out") bytes)"
done < "$WORK/locations"
minidlnad -V 2>/dev/null | head -1 || true
miniupnpd --version 2>&1 | head -1 || true
gerbera --version 2>&1 | grep -m1 -i version || true
gmediarender --version 2>&1 | head -1 || true
echo "--- gerbera"; tail -5 "$WORK/dms/out" "$WORK/dms/log" 2>/dev/null || true
echo "--- gmediarender"; tail -5 "$WORK/dmr.out" 2>/dev/null || true
