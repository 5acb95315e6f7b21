#!/bin/bash
# dns.sh - make tests/captures/mdns-avahi.pcap and llmnr-llmnrd.pcap.
#
# A three-host LAN of network namespaces (prefix nhdns-, 198.18.7.0/24 and
# IPv6 link-local only), nothing attached to the root namespace:
#   nhdns-q    198.18.7.1   02:4e:4c:ff:07:01  querier: tcpdump, mDNS queries
#                                              from port 5353 (python3),
#                                              llmnr-query
#   nhdns-mac  198.18.7.10  00:11:32:00:07:0a  avahi-daemon "lab-mac" (IPv4 +
#                                              IPv6 link-local)
#   nhdns-win  198.18.7.20  00:15:5d:00:07:14  llmnrd -H winbox -6
# joined by the bridge in nhdns-br. Every daemon runs in its own mount
# namespace with tmpfs over /run (avahi's pid file and socket, so it cannot
# clash with any other avahi), avahi's services bind-mounted over
# /etc/avahi/services, and its own UTS namespace. A trap kills what this
# script started (by PID) and deletes its namespaces, also on failure.
#
# Usage (root): tests/captures/make/dns.sh [OUTDIR]   (default: tests/captures)
# Needs: iproute2, avahi-daemon 0.8, llmnrd 0.5 (Debian 12), tcpdump, tshark,
# editcap, python3.
#
#        tests/captures/make/dns.sh corpus
# (no root) rewrites the fuzz seeds from the committed captures:
# tests/fuzz/corpus/dns/<capture>-<frame> (a selector byte, see fuzz-dns.c,
# then the UDP payload) and tests/fuzz/corpus/frame/dns-<capture>-<frame>
# (0 = Ethernet, then the whole frame). Identical inputs are kept once.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)

if [[ ${1:-} == corpus ]]; then
        exec /usr/bin/python3 - "$here/.." "$here/../../fuzz/corpus" <<'EOF'
import os, struct, sys
caps, corpus = sys.argv[1], sys.argv[2]
PORTS = (5353, 5355, 53)                # selector % 3, as in fuzz-dns.c

def frames(path):
    # classic pcap, little-endian, microseconds, Ethernet (what tcpdump wrote)
    with open(path, "rb") as f:
        data = f.read()
    assert struct.unpack("<I", data[:4])[0] == 0xa1b2c3d4, path
    off, no = 24, 0
    while off + 16 <= len(data):
        incl = struct.unpack("<I", data[off + 8:off + 12])[0]
        no += 1
        yield no, data[off + 16:off + 16 + incl]
        off += 16 + incl

def udp(frame):
    if len(frame) < 14:
        return None
    et, p = struct.unpack(">H", frame[12:14])[0], frame[14:]
    if et == 0x0800 and len(p) >= 20 and p[9] == 17:
        total = struct.unpack(">H", p[2:4])[0]
        p = p[(p[0] & 15) * 4:total]
    elif et == 0x86dd and len(p) >= 40 and p[6] == 17:
        p = p[40:40 + struct.unpack(">H", p[4:6])[0]]
    else:
        return None
    sport, dport, ulen = struct.unpack(">HHH", p[:6])
    return sport, dport, p[8:ulen]

for sub in ("dns", "frame"):
    os.makedirs(os.path.join(corpus, sub), exist_ok=True)
seen = set()
for cap in ("lab-30s", "mdns-avahi", "llmnr-llmnrd"):
    for no, fr in frames(os.path.join(caps, cap + ".pcap")):
        u = udp(fr)
        if not u:
            continue
        sport, dport, payload = u
        for k, port in enumerate(PORTS):
            if port in (sport, dport):
                break
        else:
            continue
        sel = k + 3 * (0 if sport == port else 1)
        seed = bytes([sel]) + payload
        if seed in seen:
            continue
        seen.add(seed)
        with open(os.path.join(corpus, "dns", "%s-%d" % (cap, no)), "wb") as f:
            f.write(seed)
        with open(os.path.join(corpus, "frame", "dns-%s-%d" % (cap, no)), "wb") as f:
            f.write(b"\0" + fr)
EOF
fi

out=${1:-$here/..}
P=nhdns
work=$(mktemp -d /tmp/nhdns.XXXXXX)
pids=()

cleanup() {
        set +e
        for pid in "${pids[@]}"; do
                kill -TERM "$pid" 2>/dev/null
        done
        sleep 0.5
        for ns in q mac win br; do
                [[ -e /run/netns/$P-$ns ]] || continue
                # anything still running inside our namespaces is ours
                for pid in $(ip netns pids "$P-$ns" 2>/dev/null); do
                        kill -KILL "$pid" 2>/dev/null
                done
                ip netns del "$P-$ns"
        done
        rm -rf "$work"
}
trap cleanup EXIT

for ns in q mac win br; do
        [[ -e /run/netns/$P-$ns ]] && { echo "$P-$ns exists: a previous run left it" >&2; exit 1; }
done

# ---------------------------------------------------------------- the LAN
ip netns add $P-br
ip -n $P-br link add br0 type bridge
ip -n $P-br link set br0 up
ip netns exec $P-br sysctl -qw net.ipv6.conf.all.disable_ipv6=1

host() { # name mac ipv4
        local ns=$P-$1
        ip netns add "$ns"
        ip -n $P-br link add "$1" type veth peer name lan0 netns "$ns" address "$2"
        ip -n $P-br link set "$1" master br0 up
        # no DAD delay for the link-local address; no router solicitations
        ip netns exec "$ns" sysctl -qw net.ipv6.conf.lan0.accept_dad=0
        ip netns exec "$ns" sysctl -qw net.ipv6.conf.lan0.router_solicitations=0
        ip -n "$ns" link set lo up
        ip -n "$ns" link set lan0 up
        ip -n "$ns" addr add "$3/24" dev lan0
        ip -n "$ns" route add 224.0.0.0/4 dev lan0
}
host q   02:4e:4c:ff:07:01 198.18.7.1
host mac 00:11:32:00:07:0a 198.18.7.10
host win 00:15:5d:00:07:14 198.18.7.20

# run NS HOSTNAME LOG CMD...: a daemon in its namespace, private mounts and
# hostname, tmpfs over /run; its PID is remembered for the trap.
run() {
        local ns=$P-$1 hn=$2 log=$3
        shift 3
        setsid ip netns exec "$ns" unshare --uts --mount --propagation private \
                sh -c "hostname $hn && mount -t tmpfs tmpfs /run && mkdir /run/avahi-daemon && $*" \
                > "$work/$log" 2>&1 < /dev/null &
        pids+=($!)
}

# ---------------------------------------------------------------- avahi
mkdir -p "$work/services"
cat > "$work/avahi-daemon.conf" <<'EOF'
[server]
host-name=lab-mac
domain-name=local
use-ipv4=yes
use-ipv6=yes
allow-interfaces=lan0
enable-dbus=no
ratelimit-interval-usec=1000000
ratelimit-burst=1000
[wide-area]
enable-wide-area=no
[publish]
publish-addresses=yes
publish-hinfo=yes
publish-workstation=no
publish-domain=no
publish-aaaa-on-ipv4=yes
publish-a-on-ipv6=no
[reflector]
enable-reflector=no
[rlimits]
EOF
cat > "$work/services/device-info.service" <<'EOF'
<?xml version="1.0" standalone='no'?>
<!DOCTYPE service-group SYSTEM "avahi-service.dtd">
<service-group>
  <name replace-wildcards="yes">%h</name>
  <service>
    <type>_device-info._tcp</type>
    <port>0</port>
    <txt-record>model=MacBookPro15,2</txt-record>
    <txt-record>osxvers=21</txt-record>
  </service>
</service-group>
EOF
cat > "$work/services/files.service" <<'EOF'
<?xml version="1.0" standalone='no'?>
<!DOCTYPE service-group SYSTEM "avahi-service.dtd">
<service-group>
  <name>Lab Mac v1.2</name>
  <service>
    <type>_smb._tcp</type>
    <port>445</port>
  </service>
  <service>
    <type>_http._tcp</type>
    <subtype>_printer._sub._http._tcp</subtype>
    <port>8080</port>
    <txt-record>path=/admin</txt-record>
  </service>
</service-group>
EOF
cat > "$work/services/ssh.service" <<'EOF'
<?xml version="1.0" standalone='no'?>
<!DOCTYPE service-group SYSTEM "avahi-service.dtd">
<service-group>
  <name replace-wildcards="yes">%h</name>
  <service>
    <type>_ssh._tcp</type>
    <port>22</port>
  </service>
</service-group>
EOF

# ---------------------------------------------------------------- queries
# mDNS queries from port 5353 are answered by multicast (RFC 6762 §6.7:
# only other source ports get legacy unicast replies).
cat > "$work/mdnsq.py" <<'EOF'
import socket, struct, sys, time

def name(n):
    # a str is split at its dots; a list is taken as the labels themselves
    out = b""
    for label in (n.split(".") if isinstance(n, str) else n):
        out += bytes([len(label)]) + label.encode()
    return out + b"\0"

def query(qs):
    msg = struct.pack(">6H", 0, 0, len(qs), 0, 0, 0)
    for n, t, qu in qs:
        msg += name(n) + struct.pack(">HH", t, 1 | (0x8000 if qu else 0))
    return msg

A, PTR, AAAA, SRV, ANY = 1, 12, 28, 33, 255
s4 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s4.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s4.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 255)
s4.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton("198.18.7.1"))
s4.bind(("198.18.7.1", 5353))
dst4 = ("224.0.0.251", 5353)
for qs in ([("_services._dns-sd._udp.local", PTR, False)],
           [("_device-info._tcp.local", PTR, False)],
           [("_http._tcp.local", PTR, False), ("_smb._tcp.local", PTR, False)],
           [("lab-mac.local", A, False), ("lab-mac.local", AAAA, False)],
           [("_printer._sub._http._tcp.local", PTR, False)],
           [(["Lab Mac v1.2", "_smb", "_tcp", "local"], SRV, True)]):
    s4.sendto(query(qs), dst4)
    time.sleep(1.2)

idx = socket.if_nametoindex("lan0")
s6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s6.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_IF, idx)
s6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_HOPS, 255)
s6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
s6.bind(("::", 5353))
s6.sendto(query([("lab-mac.local", ANY, False)]), ("ff02::fb", 5353, 0, idx))
time.sleep(1.2)
EOF

# ---------------------------------------------------------------- capture
ip netns exec $P-q tcpdump -n -U -i lan0 -s 0 -w "$work/raw.pcap" \
        'udp port 5353 or udp port 5355' > "$work/tcpdump.log" 2>&1 &
tcpdump_pid=$!
pids+=($tcpdump_pid)
sleep 1

run mac lab-mac avahi.log "mount --bind $work/services /etc/avahi/services && \
        exec avahi-daemon -f $work/avahi-daemon.conf --no-drop-root --no-chroot --no-rlimits --no-proc-title"
avahi_pid=${pids[-1]}
run win winbox llmnrd.log "exec llmnrd -H winbox -i lan0 -6"
sleep 5                 # avahi: 3 probes, then announcements

ip netns exec $P-q /usr/bin/python3 "$work/mdnsq.py"
ip netns exec $P-q llmnr-query -I lan0 -T A winbox || true
ip netns exec $P-q llmnr-query -I lan0 -T AAAA -6 winbox || true
ip netns exec $P-q llmnr-query -I lan0 -T ANY winbox || true
ip netns exec $P-q llmnr-query -I lan0 -T A -t 300 nosuchhost || true

kill -TERM "$avahi_pid"     # avahi says goodbye (TTL 0 records)
sleep 1.5
kill -INT "$tcpdump_pid"
wait "$tcpdump_pid" || true

cat "$work/avahi.log" "$work/llmnrd.log" "$work/tcpdump.log" >&2
tshark -r "$work/raw.pcap" -Y 'udp.port == 5353' -w "$work/mdns.pcap"
tshark -r "$work/raw.pcap" -Y 'udp.port == 5355' -w "$work/llmnr.pcap"
# Keep the pcap format tcpdump wrote (tshark -w writes pcapng).
editcap -F pcap "$work/mdns.pcap" "$out/mdns-avahi.pcap"
editcap -F pcap "$work/llmnr.pcap" "$out/llmnr-llmnrd.pcap"
tshark -r "$out/mdns-avahi.pcap"
tshark -r "$out/llmnr-llmnrd.pcap"
