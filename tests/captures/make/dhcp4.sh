#!/usr/bin/env bash
# dhcp4.sh - make the DHCPv4 test captures tests/captures/dhcp4-*.pcap.
#
# Builds a small LAN of network namespaces (prefix nhd4-), runs real DHCP
# clients, a server and a relay in it, records them with tcpdump and trims the
# result with tshark. Needs root. Everything lives in namespaces this script
# creates, on 198.18.40.0/24 and 198.18.41.0/24 (RFC 2544 range) only; the
# trap removes every process and namespace it made, also on failure.
#
#   nhd4-br   bridges br0 (LAN A) and br1 (LAN B)
#   nhd4-srv  lan0 198.18.40.1/24  02:d4:00:00:00:01  dnsmasq DHCP server
#   nhd4-rly  a0 198.18.40.2/24    02:d4:00:00:00:02  dnsmasq DHCP relay A <-> B
#             b0 198.18.41.1/24    02:d4:00:00:00:03
#   nhd4-c1   LAN A                02:d4:00:00:00:11  ISC dhclient: FQDN (E flag), user class, RELEASE
#   nhd4-c2   LAN A                02:d4:00:00:00:12  busybox udhcpc -F: FQDN, vendor class, RELEASE
#   nhd4-c3   LAN A 198.18.40.50   02:d4:00:00:00:13  dhcpcd --inform: DHCPINFORM with ciaddr
#   nhd4-c4   LAN B                02:d4:00:00:00:14  udhcpc behind the relay
#
# Output (in the current directory, or $1):
#   dhcp4-fqdn-release.pcap  c1 and c2 as the server sees them: DORA + RELEASE
#   dhcp4-inform.pcap        c3's DHCPINFORM and the server's ACK
#   dhcp4-relay.pcap         c4's exchange on both sides of the relay
set -euo pipefail

OUT=$(realpath "${1:-.}")
P=nhd4
W=$(mktemp -d /tmp/nhd4-lab.XXXXXX)
NSS=(br srv rly c1 c2 c3 c4)
PIDS=()

[[ $(id -u) == 0 ]] || { echo "dhcp4.sh: needs root" >&2; exit 77; }
for n in "${NSS[@]}"; do
  [[ ! -e /run/netns/$P-$n ]] || { echo "dhcp4.sh: $P-$n exists (left over?)" >&2; exit 1; }
done

cleanup() {
  set +e
  # only what this script started: its PIDs, then anything still inside its namespaces
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null; done
  sleep 0.5
  for n in "${NSS[@]}"; do
    [[ -e /run/netns/$P-$n ]] || continue
    for pid in $(ip netns pids "$P-$n" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null; done
  done
  for n in "${NSS[@]}"; do [[ -e /run/netns/$P-$n ]] && ip netns del "$P-$n"; done
  rm -rf "$W"
}
trap cleanup EXIT

ns() { local n=$1; shift; ip netns exec "$P-$n" "$@"; }
# bg NS CMD...: start CMD in the background inside NS, remember its PID
bg() { local n=$1; shift; ip netns exec "$P-$n" "$@" > "$W/$n.$(basename "$1").log" 2>&1 & PIDS+=($!); }

# ---------------------------------------------------------------- topology
for n in "${NSS[@]}"; do ip netns add "$P-$n"; done
ns br ip link add br0 type bridge stp_state 0 forward_delay 0
ns br ip link add br1 type bridge stp_state 0 forward_delay 0
port() { # NS IFNAME MAC BRIDGE
  ip -n "$P-br" link add "$1-$2" type veth peer name "$2" netns "$P-$1" address "$3"
  ip -n "$P-br" link set "$1-$2" master "$4" up
}
port srv lan0 02:d4:00:00:00:01 br0
port rly a0 02:d4:00:00:00:02 br0
port rly b0 02:d4:00:00:00:03 br1
port c1 lan0 02:d4:00:00:00:11 br0
port c2 lan0 02:d4:00:00:00:12 br0
port c3 lan0 02:d4:00:00:00:13 br0
port c4 lan0 02:d4:00:00:00:14 br1
for n in "${NSS[@]}"; do
  ns "$n" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
  ns "$n" ip link set lo up
done
ns br ip link set br0 up
ns br ip link set br1 up
for n in srv c1 c2 c3 c4; do ns "$n" ip link set lan0 up; done
ns rly ip link set a0 up
ns rly ip link set b0 up
ns srv ip addr add 198.18.40.1/24 dev lan0
ns srv ip route add 198.18.41.0/24 via 198.18.40.2
ns rly ip addr add 198.18.40.2/24 dev a0
ns rly ip addr add 198.18.41.1/24 dev b0
ns c3 ip addr add 198.18.40.50/24 dev lan0

# ---------------------------------------------------------------- scripts
# Client hooks touch only their own lan0 (the host's resolv.conf and
# hostname stay alone: namespaces share /etc and, without unshare, the UTS).
cat > "$W/dhclient-script" <<'EOF'
#!/bin/sh
case "$reason" in
  BOUND|RENEW|REBIND|REBOOT) ip addr replace "$new_ip_address/$new_subnet_mask" dev "$interface" ;;
  RELEASE|EXPIRE|STOP) [ -n "$old_ip_address" ] && ip addr del "$old_ip_address/$old_subnet_mask" dev "$interface" ;;
esac
exit 0
EOF
cat > "$W/udhcpc-script" <<'EOF'
#!/bin/sh
case "$1" in
  deconfig) ip -4 addr flush dev "$interface" ;;
  bound|renew) ip addr replace "$ip/${mask:-24}" dev "$interface" ;;
esac
exit 0
EOF
chmod 755 "$W/dhclient-script" "$W/udhcpc-script"
cat > "$W/dhclient.conf" <<'EOF'
send host-name "nhd4-ws";
send fqdn.fqdn "nhd4-ws.lab.test.";
send fqdn.encoded on;
send fqdn.server-update on;
send user-class "netinv-lab";
request subnet-mask, broadcast-address, routers, domain-name, domain-name-servers, host-name;
EOF
{ grep -v '^vendorclassid' /etc/dhcpcd.conf; printf 'hostname\nfqdn both\nuserclass netinv-inform\n'; } > "$W/dhcpcd.conf"

# ---------------------------------------------------------------- daemons
bg srv tcpdump -Z root -U -n -s 0 -i lan0 -w "$W/srv.pcap" 'udp port 67 or udp port 68'
bg c4 tcpdump -Z root -U -n -s 0 -i lan0 -w "$W/c4.pcap" 'udp port 67 or udp port 68'
sleep 1
bg srv dnsmasq -k --conf-file=/dev/null --port=0 --user=root --group=root --no-hosts --no-resolv \
  --interface=lan0 --bind-interfaces --no-ping --dhcp-authoritative --domain=lab.test \
  --dhcp-range=198.18.40.100,198.18.40.199,255.255.255.0,2m \
  --dhcp-range=198.18.41.100,198.18.41.199,255.255.255.0,2m \
  --dhcp-option=option:router,198.18.40.1 \
  --dhcp-leasefile="$W/srv.leases" --pid-file="$W/srv.pid" --log-dhcp --log-facility=-
bg rly dnsmasq -k --conf-file=/dev/null --port=0 --user=root --group=root --no-hosts --no-resolv \
  --dhcp-relay=198.18.41.1,198.18.40.1 --pid-file="$W/rly.pid" --log-dhcp --log-facility=-
sleep 1

# c1: dhclient DORA, then RELEASE (dhclient -r ends the first one through its pid file)
bg c1 unshare --uts sh -c "hostname nhd4-ws; exec dhclient -4 -d -v -cf $W/dhclient.conf \
  -sf $W/dhclient-script -pf $W/c1.pid -lf $W/c1.leases lan0"
# c2: udhcpc with FQDN and vendor class; -R releases when it is told to stop
bg c2 udhcpc -f -R -i lan0 -s "$W/udhcpc-script" -t 5 -T 2 -x hostname:nhd4-plug \
  -F nhd4-plug.lab.test -V netinv-lab-plug
# c3: a statically configured host that only asks for parameters (DHCPINFORM).
# dhcpcd keeps its state in /run/dhcpcd and /var/lib/dhcpcd: tmpfs, private to
# it. --nodev: no udev in here. "--inform=ADDR" segfaulted dhcpcd 9.4.1 here;
# a bare --inform for the address already on lan0 works.
bg c3 unshare --uts sh -c "hostname nhd4-inf; mount -t tmpfs tmpfs /run && \
  mount -t tmpfs tmpfs /var/lib/dhcpcd && exec dhcpcd -4 -B -d --nodev --noipv4ll --noarp \
  -f $W/dhcpcd.conf --script /dev/null --inform lan0"
# c4: behind the relay
bg c4 udhcpc -f -q -i lan0 -s "$W/udhcpc-script" -t 5 -T 2 -x hostname:nhd4-far

for _ in $(seq 40); do
  grep -q 198.18.40 "$W/c1.leases" 2>/dev/null && ns c4 ip -4 addr show dev lan0 | grep -q 198.18.41 && break
  sleep 0.5
done
sleep 3
ns c1 dhclient -4 -r -v -cf "$W/dhclient.conf" -sf "$W/dhclient-script" -pf "$W/c1.pid" \
  -lf "$W/c1.leases" lan0 || true
kill -TERM "${PIDS[5]}"                 # udhcpc on c2 (PIDS: 2 tcpdumps, 2 dnsmasqs, c1, c2)
sleep 2
# stop the capture cleanly (SIGINT flushes it), both tcpdumps are PIDS[0] and PIDS[1]
kill -INT "${PIDS[0]}" "${PIDS[1]}"
wait "${PIDS[0]}" "${PIDS[1]}" || true

for f in "$W"/*.log; do echo "--- $f"; cat "$f"; done

# ---------------------------------------------------------------- trim
tshark -r "$W/srv.pcap" -Y 'dhcp && (eth.addr == 02:d4:00:00:00:11 || eth.addr == 02:d4:00:00:00:12 || dhcp.hw.mac_addr == 02:d4:00:00:00:11 || dhcp.hw.mac_addr == 02:d4:00:00:00:12)' \
  -F pcap -w "$OUT/dhcp4-fqdn-release.pcap" 2>/dev/null
tshark -r "$W/srv.pcap" -Y 'dhcp && dhcp.hw.mac_addr == 02:d4:00:00:00:13' \
  -F pcap -w "$OUT/dhcp4-inform.pcap" 2>/dev/null
tshark -r "$W/srv.pcap" -Y 'dhcp && dhcp.hw.mac_addr == 02:d4:00:00:00:14' -F pcap -w "$W/relay-a.pcap" 2>/dev/null
tshark -r "$W/c4.pcap" -Y dhcp -F pcap -w "$W/relay-b.pcap" 2>/dev/null
mergecap -F pcap -w "$OUT/dhcp4-relay.pcap" "$W/relay-a.pcap" "$W/relay-b.pcap"
for f in dhcp4-fqdn-release dhcp4-inform dhcp4-relay; do
  echo "--- $f.pcap"
  tshark -r "$OUT/$f.pcap" -T fields -e frame.number -e eth.src -e ip.src -e ip.dst \
    -e dhcp.option.dhcp -e dhcp.ip.client -e dhcp.ip.relay -e dhcp.hw.mac_addr \
    -e dhcp.option.type -E occurrence=a -E aggregator=, 2>/dev/null
done
