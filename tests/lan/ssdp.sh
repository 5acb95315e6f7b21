#!/bin/bash
# ssdp.sh - the ssdp probe end to end (suite lan; needs root, else skipped): `netinv scan`
# sends its M-SEARCH, the UPnP devices of a namespace LAN answer, netinv fetches their
# descriptions and reports what they say; a peer whose LOCATION names another address
# does not make netinv connect there.
#
# LAN (198.18.43.0/24 on a Linux bridge in ssdp-br; nothing is linked to the root namespace):
#   ssdp-scan   198.18.43.100  02:4e:53:ff:43:64  netinv
#   ssdp-nas    198.18.43.10   00:11:32:00:43:0a  minidlna (MediaServer:1 at :8200/rootDesc.xml)
#   ssdp-igd    198.18.43.1    50:c7:bf:00:43:01  miniupnpd (InternetGatewayDevice:2 at :5000)
#   ssdp-liar   198.18.43.20   02:4e:53:00:43:14  python3: answers every M-SEARCH with
#                                                  LOCATION http://198.18.43.30:8080/desc.xml
#   ssdp-other  198.18.43.30   02:4e:53:00:43:1e  python3: listens on :8080, logs connections
#
# Checks (on `netinv scan lan0 --no-tcp --no-banner --no-mdns --no-nbns --no-ipv6 -f json`):
#   the NAS has upnp.manufacturer "Justin Maggard", its model name and a service
#   "tcp/8200 upnp Justin Maggard ..."; the router upnp.model_name "Debian router" and the
#   IGD device type; the liar's LOCATION is observed (ssdp.location) but nobody connected to
#   198.18.43.30 and the liar has no upnp.* observation; the scan exits 0.
# The trap kills what was started (by PID) and deletes the namespaces, also on failure.
set -u

skip() { echo "lan-ssdp: skipped: $*" >&2; exit 77; }
[[ $(id -u) -eq 0 ]] || skip "needs root"
for p in ip python3 minidlnad miniupnpd unshare; do
        PATH=$PATH:/usr/sbin:/sbin command -v "$p" >/dev/null 2>&1 || skip "needs $p"
done
NETINV_BIN=${NETINV_BIN:?NETINV_BIN is not set}
PATH=$PATH:/usr/sbin:/sbin

P=ssdp
NS=("$P-br" "$P-scan" "$P-nas" "$P-igd" "$P-liar" "$P-other")
PIDS=()
WORK=$(mktemp -d /tmp/ssdp-lan.XXXXXX)
chmod 755 "$WORK"

cleanup() {
        local pid ns
        for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
        sleep 0.2
        for pid in "${PIDS[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
        for ns in "${NS[@]}"; do
                [[ -e /run/netns/$ns ]] || continue
                for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null || true; done
        done
        for ns in "${NS[@]}"; do [[ -e /run/netns/$ns ]] && ip netns del "$ns"; done
        [[ $WORK == /tmp/ssdp-lan.* ]] && rm -rf "$WORK"
}
on_exit() { local rc=$?; trap - EXIT; cleanup; exit "$rc"; }
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

for ns in "${NS[@]}"; do
        [[ -e /run/netns/$ns ]] && { echo "lan-ssdp: removing leftover $ns" >&2; ip netns del "$ns"; }
done

fail=0
chk() {
        if eval "$2"; then echo "ok: $1"; else echo "FAIL: $1"; fail=$((fail + 1)); fi
}

# ---------------------------------------------------------------- the LAN
ip netns add $P-br
ip netns exec $P-br sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
ip -n $P-br link set lo up
ip -n $P-br link add br0 type bridge stp_state 0 forward_delay 0 mcast_snooping 0
ip -n $P-br link set br0 up

peer() { # name mac ip
        local ns=$P-$1
        ip netns add "$ns"
        ip netns exec "$ns" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 \
                net.ipv6.conf.default.disable_ipv6=1
        ip -n $P-br link add "$1" type veth peer name lan0 netns "$ns" address "$2"
        ip -n $P-br link set "$1" master br0 up
        ip -n "$ns" link set lo up
        ip -n "$ns" link set lan0 up
        ip -n "$ns" addr add "$3/24" dev lan0
        ip -n "$ns" route add 224.0.0.0/4 dev lan0
}
peer scan 02:4e:53:ff:43:64 198.18.43.100
peer nas 00:11:32:00:43:0a 198.18.43.10
peer igd 50:c7:bf:00:43:01 198.18.43.1
peer liar 02:4e:53:00:43:14 198.18.43.20
peer other 02:4e:53:00:43:1e 198.18.43.30
ip -n $P-igd link add wan0 type veth peer name wanx
ip -n $P-igd link set wanx up
ip -n $P-igd link set wan0 up
ip -n $P-igd addr add 198.18.43.254/32 dev wan0

# ---------------------------------------------------------------- the devices
mkdir -p "$WORK/nas/media" "$WORK/nas/db" "$WORK/nas/log"
cat >"$WORK/nas/minidlna.conf" <<EOF
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
EOF
ip netns exec $P-nas minidlnad -d -f "$WORK/nas/minidlna.conf" -P "$WORK/nas/minidlna.pid" \
        >"$WORK/nas/minidlna.log" 2>&1 &
PIDS+=($!)

cat >"$WORK/igd.conf" <<EOF
ext_ifname=wan0
listening_ip=lan0
http_port=5000
enable_natpmp=no
enable_upnp=yes
secure_mode=yes
friendly_name=ssdp-router
serial=SSDP0002
uuid=2c0b3e0a-7b5e-4b1e-9a6e-50c7bf004301
notify_interval=900
lease_file=$WORK/igd.leases
allow 1024-65535 198.18.43.0/24 1024-65535
deny 0-65535 0.0.0.0/0 0-65535
EOF
# a private /var/run: miniupnpd keeps state there besides its pid file
ip netns exec $P-igd unshare --mount sh -c \
        "mount -t tmpfs tmpfs /var/run && exec miniupnpd -d -f $WORK/igd.conf -P $WORK/igd.pid" \
        >"$WORK/igd.log" 2>&1 &
PIDS+=($!)

# The liar: answers M-SEARCH with a LOCATION on another host.
ip netns exec $P-liar python3 - >"$WORK/liar.log" 2>&1 <<'EOF' &
import socket, struct
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("", 1900))
s.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP,
             struct.pack("4s4s", socket.inet_aton("239.255.255.250"), socket.inet_aton("198.18.43.20")))
while True:
    data, peer = s.recvfrom(4096)
    if not data.startswith(b"M-SEARCH"):
        continue
    print("M-SEARCH from", peer, flush=True)
    s.sendto(b"HTTP/1.1 200 OK\r\nCACHE-CONTROL: max-age=1800\r\nEXT:\r\n"
             b"LOCATION: http://198.18.43.30:8080/desc.xml\r\n"
             b"SERVER: Linux/6.1 UPnP/1.1 ssdp-liar/1.0\r\nST: upnp:rootdevice\r\n"
             b"USN: uuid:0b5e5e5e-0000-4000-8000-024e5300431e::upnp:rootdevice\r\n\r\n", peer)
EOF
PIDS+=($!)
ip netns exec $P-other python3 - >"$WORK/other.log" 2>&1 <<'EOF' &
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("198.18.43.30", 8080))
s.listen(8)
while True:
    c, peer = s.accept()
    print("CONNECTION from", peer, flush=True)
    c.close()
EOF
PIDS+=($!)
sleep 3

# ---------------------------------------------------------------- the scan
ip netns exec $P-scan "$NETINV_BIN" scan lan0 --no-tcp --no-banner --no-mdns --no-nbns --no-ipv6 \
        --oui none -f json -o "$WORK/out.json" 2>"$WORK/err"
rc=$?
chk "scan exits 0 (got $rc)" "[[ $rc -eq 0 ]]"
[[ $rc -eq 0 ]] || cat "$WORK/err"
chk "the liar heard an M-SEARCH" "grep -q 'M-SEARCH from' '$WORK/liar.log'"

python3 - "$WORK/out.json" >"$WORK/check" 2>&1 <<'EOF'
import json, sys
doc = json.load(open(sys.argv[1]))
devs = {d.get("mac", "").lower(): d for d in doc.get("devices", [])}
def vals(mac, key):
    d = devs.get(mac)
    return [o.get("value", "") for o in (d or {}).get("observations", []) if o.get("key") == key]
def svcs(mac):
    d = devs.get(mac) or {}
    return json.dumps(d.get("services", []))
nas, igd, liar = "00:11:32:00:43:0a", "50:c7:bf:00:43:01", "02:4e:53:00:43:14"
bad = 0
def want(ok, what):
    global bad
    print(("ok: " if ok else "FAIL: ") + what)
    bad += not ok
want("Justin Maggard" in vals(nas, "upnp.manufacturer"), f"nas upnp.manufacturer {vals(nas, 'upnp.manufacturer')}")
want("Windows Media Connect compatible (MiniDLNA)" in vals(nas, "upnp.model_name"),
     f"nas upnp.model_name {vals(nas, 'upnp.model_name')}")
want("ssdp-nas" in vals(nas, "upnp.friendly_name"), "nas upnp.friendly_name")
want("8200" in svcs(nas) and "Justin Maggard" in svcs(nas), f"nas service on 8200 {svcs(nas)}")
want("Debian router" in vals(igd, "upnp.model_name"), f"igd upnp.model_name {vals(igd, 'upnp.model_name')}")
want("urn:schemas-upnp-org:device:InternetGatewayDevice:2" in vals(igd, "upnp.device_type"),
     "igd upnp.device_type")
want("http://198.18.43.30:8080/desc.xml" in vals(liar, "ssdp.location"), "liar's LOCATION observed")
want(not any(k.startswith("upnp.") for k in
             [o.get("key", "") for o in (devs.get(liar) or {}).get("observations", [])]),
     "no upnp.* for the liar")
want(not any("SSDP0" in json.dumps(d) for d in devs.values()), "no serial number anywhere")
sys.exit(1 if bad else 0)
EOF
rc=$?
cat "$WORK/check"
chk "JSON checks" "[[ $rc -eq 0 ]]"
chk "nobody connected to 198.18.43.30 ($(grep -c CONNECTION "$WORK/other.log") connections)" \
        "! grep -q CONNECTION '$WORK/other.log'"

if ((fail)); then
        echo "lan-ssdp: $fail check(s) failed"
        exit 1
fi
echo "lan-ssdp: all checks passed"
