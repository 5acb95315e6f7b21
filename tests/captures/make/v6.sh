#!/bin/bash
# v6.sh - make tests/captures/dhcp6-*.pcap and ndp-*.pcap (DHCPv6 and NDP).
#
# Two Ethernet segments built only from network namespaces; nothing is
# attached to the root namespace, and the only global addresses are in the
# unique-local prefixes fd00:198:18::/64 and fd00:198:19::/64 (never routed,
# never leave the namespaces). No IPv4 at all.
#
#   nhv6-br   bridges br0 (segment A) and br1 (segment B), IPv6 off;
#             tcpdump on br0 and br1 (promiscuous: sees every frame)
#   segment A:
#   nhv6-srv  lan0 02:76:36:00:00:01 fd00:198:18::1/64, forwarding on
#             dnsmasq: RA (M,O; prefix fd00:198:18::/64 with A; MTU 1500;
#             RDNSS fd00:198:18::1 and ::53) + stateful DHCPv6 ::100-::1ff
#             (slaac mode), and a range fd00:198:19::100-1ff for relayed
#             requests
#   nhv6-c1   lan0 02:76:36:00:00:02  dhcpcd -6: its own RS, a DUID-EN from
#             its DUID file, FQDN, user class, vendor class, rapid commit
#   nhv6-c2   lan0 02:76:36:00:00:03  ISC dhclient -6 -D LLT: FQDN, user
#             class, vendor class from its config; gives its lease back
#             (dhclient -r: Release/Reply) at the end
#   nhv6-h3   lan0 02:76:36:00:00:04  plain kernel host: DAD, RS, SLAAC
#             (EUI-64), MLDv2, then ping to the server (NS/NA, echo)
#   nhv6-rly  lan0 02:76:36:00:00:05 fd00:198:18::2/64 (segment A) and
#             lan1 02:76:36:00:00:06 fd00:198:19::1/64 (segment B),
#             forwarding on: dnsmasq as DHCPv6 relay to fd00:198:18::1
#             (adds the RFC 6939 client link-layer address option)
#   segment B:
#   nhv6-c4   lan0 02:76:36:00:00:07  ISC dhclient -6 -D LL behind the relay
#
# Output (default tests/captures), cut from the two segments with tshark:
#   dhcp6-dhcpcd.pcap    dhcpcd Solicit + rapid-commit Reply
#   dhcp6-dhclient.pcap  dhclient Solicit/Advertise/Request/Reply/Release/Reply
#   dhcp6-relay.pcap     c4's exchange on segment B merged with the relay's
#                        Relay-forw/Relay-repl on segment A
#   ndp-ra.pcap          every RS and RA of segment A
#   ndp-ns-na.pcap       every NS, NA and echo request/reply of segment A
#   ndp-mld.pcap         two MLDv2 reports from :: (during DAD), two from h3's
#                        link-local address
# The DUID-LLT times and dhcpcd's stable-privacy address change from run to
# run; the unit tests assert the values in the stored files.
#
# Every daemon runs in its own UTS namespace (own hostname) and in the
# private mount namespace `ip netns exec` makes, with a tmpfs over /run and
# over its state directory, and with no hook script that could touch the
# host's /etc/resolv.conf (dhclient -sf: a script that does nothing but log;
# dhcpcd --script /dev/null). Everything is ended by PID, the namespaces by
# name, on exit or failure.
#
# Usage (root): tests/captures/make/v6.sh [OUTDIR]   (default: tests/captures)
#   V6_KEEP_RAW=DIR also keeps the whole segment captures and the daemon
#   logs there. Takes about 30 s.
# Needs: iproute2, dnsmasq (2.90 when made), dhcpcd (9.4.1), isc-dhcp-client
# (4.4.3-P1), iputils ping, tcpdump, tshark/editcap/mergecap (4.0.17).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/..}
P=nhv6
BR=$P-br SRV=$P-srv C1=$P-c1 C2=$P-c2 H3=$P-h3 RLY=$P-rly C4=$P-c4
ALL="$BR $SRV $C1 $C2 $H3 $RLY $C4"
work=$(mktemp -d /tmp/nhv6.XXXXXX)
pids=()

cleanup() {
        local p ns
        for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
        sleep 0.5
        for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
        # anything still inside our namespaces was started by this script
        for ns in $ALL; do
                [[ -e /run/netns/$ns ]] || continue
                for p in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$p" 2>/dev/null || true; done
                ip netns del "$ns" 2>/dev/null || true
        done
        rm -rf "$work"
}
trap cleanup EXIT

[[ $(id -u) == 0 ]] || { echo "v6.sh: needs root (network namespaces)" >&2; exit 1; }
for ns in $ALL; do
        [[ ! -e /run/netns/$ns ]] || { echo "v6.sh: $ns exists (left over?)" >&2; exit 1; }
done

# run NAME NS HOSTNAME SCRIPT: a daemon in NS, own UTS namespace, private
# tmpfs on /run; its PID (the same process all along: each step execs) is
# remembered for cleanup.
run() {
        local name=$1 ns=$2 hn=$3 script=$4
        setsid ip netns exec "$ns" unshare --uts sh -c \
                "hostname $hn && mount -t tmpfs tmpfs /run && $script" \
                > "$work/$name.log" 2>&1 < /dev/null &
        pids+=($!)
}

# ------------------------------------------------------------ topology
for ns in $ALL; do ip netns add "$ns"; done
ip netns exec $BR sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
ip -n $BR link set lo up
for b in br0 br1; do
        ip -n $BR link add $b type bridge stp_state 0 forward_delay 0 mcast_snooping 0
        ip -n $BR link set $b up
done

# port NS IFNAME MAC BRIDGE: a veth from the bridge namespace into NS
port() {
        local ns=$1 ifn=$2 mac=$3 br=$4 pn=${1#$P-}$2
        ip -n $BR link add "$pn" type veth peer name "$ifn" netns "$ns" address "$mac"
        ip -n $BR link set "$pn" master "$br" up
        ip -n "$ns" link set lo up
}
port $SRV lan0 02:76:36:00:00:01 br0
port $C1  lan0 02:76:36:00:00:02 br0
port $C2  lan0 02:76:36:00:00:03 br0
port $H3  lan0 02:76:36:00:00:04 br0
port $RLY lan0 02:76:36:00:00:05 br0
port $RLY lan1 02:76:36:00:00:06 br1
port $C4  lan0 02:76:36:00:00:07 br1

# Kernel defaults (addr_gen_mode eui64, accept_ra 1) except where noted;
# the server and the relay route, so their NAs carry the R flag.
ip netns exec $SRV sysctl -q -w net.ipv6.conf.all.forwarding=1
ip netns exec $RLY sysctl -q -w net.ipv6.conf.all.forwarding=1
for ns in $SRV $C1 $C2 $H3 $RLY $C4; do
        ip netns exec "$ns" sysctl -q -w net.ipv6.conf.default.disable_ipv6=0 \
                net.ipv6.conf.all.disable_ipv6=0
done
# dhcpcd does its own RS/RA handling
ip netns exec $C1 sysctl -q -w net.ipv6.conf.lan0.accept_ra=0

# ------------------------------------------------------------ capture first
tcpdump_on() { # NAME IFACE
        setsid ip netns exec $BR tcpdump -n -i "$2" -s 0 -U -w "$work/$1.pcap" \
                > "$work/tcpdump-$1.log" 2>&1 < /dev/null &
        pids+=($!)
}
tcpdump_on segA br0
tcpdump_on segB br1
sleep 2

# ------------------------------------------------------------ server and relay
ip -n $SRV addr add fd00:198:18::1/64 dev lan0
ip -n $SRV link set lan0 up
ip -n $RLY addr add fd00:198:18::2/64 dev lan0
ip -n $RLY addr add fd00:198:19::1/64 dev lan1
ip -n $RLY link set lan0 up
ip -n $RLY link set lan1 up
ip -n $SRV route add fd00:198:19::/64 via fd00:198:18::2 dev lan0
sleep 3         # DAD of the static addresses

mkdir -p "$work/srv" "$work/rly"
run dnsmasq-srv $SRV v6-router "exec dnsmasq -k --conf-file=/dev/null --user=root --group=root \
        --no-hosts --no-resolv --port=0 --interface=lan0 --bind-interfaces \
        --enable-ra --ra-param=lan0,mtu:1500,10,600 \
        --dhcp-range=::100,::1ff,constructor:lan0,slaac,64,2m \
        --dhcp-range=fd00:198:19::100,fd00:198:19::1ff,64,2m \
        --dhcp-option=option6:dns-server,[fd00:198:18::1],[fd00:198:18::53] \
        --dhcp-leasefile=$work/srv/leases --pid-file=$work/srv/pid --log-dhcp --log-facility=-"
run dnsmasq-rly $RLY v6-relay "exec dnsmasq -k --conf-file=/dev/null --user=root --group=root \
        --no-hosts --no-resolv --port=0 --interface=lan1 \
        --dhcp-relay=fd00:198:19::1,fd00:198:18::1 \
        --pid-file=$work/rly/pid --log-dhcp --log-facility=-"
sleep 1

# ------------------------------------------------------------ clients
# h3: a plain kernel host; link up = DAD NS, RS, MLDv2 reports
ip -n $H3 link set lan0 up

# c1: dhcpcd with Debian's dhcpcd.conf plus a host name, FQDN, a user class
# and a vendor class (32473 = the documentation PEN of RFC 5612), and a
# DUID-EN (type 2, PEN 32473, id 6e:76:36:2d:65:6e) stored in its DUID file
# the way a vendor image ships one.
mkdir -p "$work/c1"
{ cat /etc/dhcpcd.conf; echo hostname; echo 'fqdn both'; echo 'userclass lab-sensor'
  echo 'vendclass 32473 netinv-lab'; } > "$work/c1/dhcpcd.conf"
ip -n $C1 link set lan0 up
run dhcpcd $C1 v6-dhcpcd "mkdir -p /run/dhcpcd && mount -t tmpfs tmpfs /var/lib/dhcpcd && \
        echo 00:02:00:00:7e:d9:6e:76:36:2d:65:6e > /var/lib/dhcpcd/duid && \
        exec dhcpcd -6 -B -f $work/c1/dhcpcd.conf --script /dev/null lan0"

# c2, c4: ISC dhclient; a script that only logs (never /sbin/dhclient-script)
cat > "$work/dhclient-script" <<'EOF'
#!/bin/sh
echo "dhclient-script $reason $new_ip6_address" >> "$(dirname "$0")/dhclient-events.log"
exit 0
EOF
chmod 755 "$work/dhclient-script"
# user class and vendor class as raw option bytes: RFC 8415 §21.15/21.16
# (2-byte length, then the text; the vendor class after an enterprise number,
# 32473 = the documentation PEN of RFC 5612)
cat > "$work/dhclient6.conf" <<'EOF'
option dhcp6.lab-user-class code 15 = string;
option dhcp6.lab-vendor-class code 16 = string;
send fqdn.fqdn "v6-dhclient.lab.test.";
send fqdn.server-update on;
send dhcp6.lab-user-class 00:07:6c:61:62:2d:70:63:31:00:06:6f:66:66:69:63:65;
send dhcp6.lab-vendor-class 00:00:7e:d9:00:0c:6c:61:62:2d:64:68:63:6c:69:65:6e:74;
request dhcp6.name-servers, dhcp6.domain-search, dhcp6.fqdn, dhcp6.sntp-servers;
EOF
ip -n $C2 link set lan0 up
ip -n $C4 link set lan0 up
sleep 3         # link-local DAD before dhclient binds to it
# c2 makes a DUID-LLT (dhclient's default when it asks for addresses), c4 a
# DUID-LL (-D LL)
for c in c2 c4; do
        ns=$P-$c duid=LLT
        [[ $c == c4 ]] && duid=LL
        mkdir -p "$work/$c"
        run dhclient-$c "$ns" "v6-dhclient-$c" "exec dhclient -6 -d -v -D $duid -cf $work/dhclient6.conf \
                -sf $work/dhclient-script -pf $work/$c/pid -lf $work/$c/leases lan0"
done

sleep 12
# h3 has its SLAAC address by now: NS/NA for the server, echo request/reply
ip netns exec $H3 ping -c 2 -i 0.5 -W 1 fd00:198:18::1 > "$work/ping.log" 2>&1 || true
ip netns exec $H3 ping -c 1 -W 1 -I lan0 fe80::76:36ff:fe00:1 > "$work/ping-ll.log" 2>&1 || true
sleep 3
# c2 gives its lease back: RELEASE / REPLY
kill -TERM "${pids[-2]}" 2>/dev/null || true
timeout 10 ip netns exec $C2 dhclient -6 -r -v -cf "$work/dhclient6.conf" -sf "$work/dhclient-script" \
        -pf "$work/c2/pid2" -lf "$work/c2/leases" lan0 > "$work/release.log" 2>&1 || true
sleep 2

# ------------------------------------------------------------ stop, cut, store
for p in "${pids[@]:0:2}"; do kill -INT "$p" 2>/dev/null || true; done
sleep 1
for f in "$work"/*.log; do echo "== $f"; cat "$f"; done > "$work/all-logs.txt"

# cut FILE SEGMENT FILTER: the frames of one segment that match, as pcap
cut() { tshark -r "$work/$2.pcap" -Y "$3" -F pcap -w "$4" 2>/dev/null; }
cut dhcp6-dhcpcd segA 'udp && !icmpv6 && dhcpv6 && eth.addr == 02:76:36:00:00:02' "$out/dhcp6-dhcpcd.pcap"
cut dhcp6-dhclient segA 'udp && !icmpv6 && dhcpv6 && eth.addr == 02:76:36:00:00:03' "$out/dhcp6-dhclient.pcap"
cut relayA segA 'udp && !icmpv6 && dhcpv6 && eth.addr == 02:76:36:00:00:05' "$work/relayA.pcap"
cut relayB segB 'udp && !icmpv6 && dhcpv6' "$work/relayB.pcap"
mergecap -F pcap -w "$out/dhcp6-relay.pcap" "$work/relayA.pcap" "$work/relayB.pcap"
cut ndp-ra segA 'icmpv6.type == 133 || icmpv6.type == 134' "$out/ndp-ra.pcap"
cut ndp-ns-na segA 'icmpv6.type in {128,129,135,136}' "$out/ndp-ns-na.pcap"
# MLDv2: the first report from :: (during DAD) and from a link-local source
cut ndp-mld segA 'icmpv6.type == 143 && (frame.number <= 2 || ipv6.src == fe80::76:36ff:fe00:4)' \
        "$out/ndp-mld.pcap"
if [[ -n ${V6_KEEP_RAW:-} ]]; then cp "$work/segA.pcap" "$work/segB.pcap" "$work/all-logs.txt" "$V6_KEEP_RAW/"; fi
for f in dhcp6-dhcpcd dhcp6-dhclient dhcp6-relay ndp-ra ndp-ns-na ndp-mld; do
        printf '%-16s %s frames\n' "$f" "$(tshark -r "$out/$f.pcap" 2>/dev/null | wc -l)" >&2
done
