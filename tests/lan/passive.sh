#!/usr/bin/env bash
# passive.sh - `netinv scan IFACE --passive` on a LAN of network namespaces.
#
# Builds a hub (see lib.sh) with six stations running real programs, starts netinv in the
# scanner's namespace, starts the stations' daemons while it listens, and checks the JSON
# document: every station by MAC, with its IPv4 address, hostname, vendor and identity strings
# (DHCP option 60/55, mDNS service and TXT, LLDP system name/description). Also checks that
# netinv dropped its privileges and sent nothing.
#
#   station  MAC (OUI)                      address           program
#   gw       50:c7:bf TP-Link               198.18.0.1/24     dnsmasq (DHCP only, fixed leases)
#   desk     f8:bc:12 Dell                  198.18.0.101 DHCP ISC dhclient, hostname dell-ws
#   plug     24:0a:c4 Espressif             198.18.0.102 DHCP busybox udhcpc, hostname esp-socket
#   cam      b8:27:eb Raspberry Pi          198.18.0.103 DHCP dhcpcd, hostname pi-cam
#   prn      3c:d9:2b HP                    198.18.0.5/24     avahi-daemon: office-printer.local, _ipp._tcp
#   sw       00:1a:a1 Cisco                 198.18.0.6/24     lldpd: system name core-sw
#   scan     02:6e:69:74:6c:01 (local)      none              netinv
# After their leases, the stations each ping gw once (ARP who-has + reply, as any host that
# talks to its gateway), so every station is also seen by ARP.
#
# Needs root; exits 77 (skipped) without it or when a program is missing. Environment:
#   NETINV_BIN      the netinv binary (set by tests/meson.build)
#   NITL_DURATION   seconds netinv listens (default 15; all traffic is made in the first ~6)
#   NITL_PCAP       if set, also record the scanner's port with tcpdump into this file
#   NITL_KEEP       if set, copy netinv's JSON and stderr, the expectation and the
#                   stations' logs and configs into this directory
#   NITL_XFAIL      e.g. "dhcp,mdns,lldp": failures those protocols should have prevented are
#                   reported but allowed (see check.py)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"

skip() { echo "lan-passive: skipped: $*" >&2; exit 77; }
fail() { echo "lan-passive: $*" >&2; exit 1; }

[[ $(id -u) == 0 ]] || skip "needs root to create network namespaces"
[[ -n ${NETINV_BIN:-} ]] || fail "NETINV_BIN is not set (meson sets it; by hand: NETINV_BIN=build/netinv $0)"
[[ -x $NETINV_BIN ]] || fail "NETINV_BIN '$NETINV_BIN' is not an executable"
missing=$(lan_missing ip nsenter unshare flock mount python3 ping dnsmasq dhclient udhcpc \
        dhcpcd avahi-daemon lldpd lldpcli ${NITL_PCAP:+tcpdump})
[[ -z $missing ]] || skip "missing programs: $missing"
unshare --net --mount --uts --pid --fork true 2>/dev/null || skip "cannot create namespaces here"

DURATION=${NITL_DURATION:-15}
NET=198.18.0
GW_IP=$NET.1
SCAN_MAC=02:6e:69:74:6c:01
declare -A MAC=(
        [gw]=50:c7:bf:7e:01:01 [desk]=f8:bc:12:7e:01:02 [plug]=24:0a:c4:7e:01:03
        [cam]=b8:27:eb:7e:01:04 [prn]=3c:d9:2b:7e:01:05 [sw]=00:1a:a1:7e:01:06
)
declare -A IP=(
        [gw]=$GW_IP [desk]=$NET.101 [plug]=$NET.102 [cam]=$NET.103 [prn]=$NET.5 [sw]=$NET.6
)
STATIONS=(gw desk plug cam prn sw)
DHCP_CLIENTS=(desk plug cam)
HN_DESK=dell-ws HN_PLUG=esp-socket HN_CAM=pi-cam HN_PRN=office-printer HN_SW=core-sw
SW_DESC="Cisco IOS Software, C2960X Software (C2960X-UNIVERSALK9-M), Version 15.2(7)E4, RELEASE SOFTWARE (fc2)"
PRN_MODEL="HP Color LaserJet MFP M479fdw"

# Identity strings that depend on the installed programs (checked on the wire with tcpdump).
BB_VER=$(busybox 2>/dev/null | sed -n '1s/^BusyBox v\([0-9.]*\).*/\1/p')
DHCPCD_VER=$(dhcpcd --version 2>/dev/null | sed -n '1s/^dhcpcd \([0-9.]*\).*/\1/p')
[[ -n $BB_VER && -n $DHCPCD_VER ]] || fail "cannot read the busybox or dhcpcd version"

root_daemons=$(lan_root_daemons dnsmasq avahi-daemon lldpd dhcpcd dhclient udhcpc)
[[ -z $root_daemons ]] || echo "lan-passive: warning: running outside any test namespace," \
        "on the machine's own interfaces: $root_daemons(stop or mask them; see tests/lan/README.md)" >&2

t_start=$(date +%s.%N)
lan_init

# ---------------------------------------------------------------- the LAN
lan_bridge
lan_host scan "$SCAN_MAC"
for h in "${STATIONS[@]}"; do
        case $h in
        desk|plug|cam) lan_host "$h" "${MAC[$h]}" ;;
        *) lan_host "$h" "${MAC[$h]}" "${IP[$h]}/24" ;;
        esac
done

# ---------------------------------------------------------------- the scanner
out=$LAN_STATE/netinv.json
err=$LAN_STATE/netinv.stderr
if [[ -n ${NITL_PCAP:-} ]]; then
        ip netns exec "$(lan_ns scan)" tcpdump -n -i lan0 -U -Z root -w "$NITL_PCAP" \
                > "$LAN_STATE/tcpdump.log" 2>&1 9<&- &
        LAN_PIDS+=($!)
        sleep 1
fi
tx_before=$(lan_tx_packets scan)
ip netns exec "$(lan_ns scan)" "$NETINV_BIN" scan lan0 --passive --duration "$DURATION" \
        --format json -o "$out" -v > /dev/null 2> "$err" 9<&- &
netinv_pid=$!
LAN_PIDS+=("$netinv_pid")
for _ in $(seq 50); do
        grep -q "listening on" "$err" && break
        kill -0 "$netinv_pid" 2>/dev/null || break
        sleep 0.1
done
grep -q "listening on" "$err" || { cat "$err" >&2; fail "netinv did not start listening"; }
# The running scanner's ids and capabilities, as the kernel sees them.
proc_status=$(grep -E '^(Uid|Gid|CapEff|CapPrm|NoNewPrivs):' "/proc/$netinv_pid/status" || true)

# ---------------------------------------------------------------- the stations' programs
prn_service=$(cat <<EOF
<?xml version="1.0" standalone='no'?>
<!DOCTYPE service-group SYSTEM "avahi-service.dtd">
<service-group>
  <name>Office Printer</name>
  <service>
    <type>_ipp._tcp</type>
    <port>631</port>
    <txt-record>txtvers=1</txt-record>
    <txt-record>ty=$PRN_MODEL</txt-record>
    <txt-record>product=($PRN_MODEL)</txt-record>
    <txt-record>rp=ipp/print</txt-record>
  </service>
</service-group>
EOF
)
lan_dnsmasq gw "$GW_IP" "$NET.100" "$NET.199" \
        "${MAC[desk]},${IP[desk]}" "${MAC[plug]},${IP[plug]}" "${MAC[cam]},${IP[cam]}"
lan_avahi prn "$HN_PRN" "$prn_service"
lan_lldpd sw "$HN_SW" "$SW_DESC"
sleep 0.5       # dnsmasq listening before the first DISCOVER
lan_dhclient desk "$HN_DESK"
lan_udhcpc plug "$HN_PLUG"
lan_dhcpcd cam "$HN_CAM"

# Each step the LAN must get right is counted; what went wrong is reported with the checks.
lan_steps=0
problems=()
step() { # step MESSAGE CMD...: run CMD, remember MESSAGE if it fails
        local msg=$1
        shift
        lan_steps=$((lan_steps + 1))
        "$@" || problems+=("$msg")
}
for h in "${DHCP_CLIENTS[@]}"; do
        step "$h got no lease ${IP[$h]} in 15 s (see its log)" lan_wait_addr "$h" "${IP[$h]}" 15
done
t_leased=$(date +%s.%N)
for h in "${STATIONS[@]}"; do
        [[ $h == gw ]] && continue
        step "$h cannot ping $GW_IP" lan_exec "$h" ping -n -q -c 1 -W 2 "$GW_IP" > /dev/null 2>&1
done
# Everything above must have happened while netinv listened.
step "netinv stopped before the stations were done: raise NITL_DURATION ($DURATION)" \
        kill -0 "$netinv_pid" 2> /dev/null

set +e
wait "$netinv_pid"
netinv_rc=$?
set -e
tx_after=$(lan_tx_packets scan)
t_scanned=$(date +%s.%N)

# ---------------------------------------------------------------- expectations
# "via": the protocol that must provide the fact (see check.py).
expect=$LAN_STATE/expect.json
cat > "$expect" <<EOF
{
 "scan": {"interface": "lan0"},
 "absent": [{"name": "scan", "mac": "$SCAN_MAC"}],
 "devices": [
  {"name": "gw (dnsmasq)", "mac": "${MAC[gw]}",
   "ipv4": [["$GW_IP", "arp"]], "vendor": ["TP-LINK", "oui"],
   "sources": [["arp", "arp"]]},
  {"name": "desk (dhclient)", "mac": "${MAC[desk]}",
   "ipv4": [["${IP[desk]}", "arp"]], "hostnames": [["$HN_DESK", "dhcp"]],
   "vendor": ["Dell", "oui"], "sources": [["arp", "arp"], ["dhcp", "dhcp"]],
   "attrs": [
    {"key": "dhcp.prl", "via": "dhcp", "match": "intlist",
     "value": [1, 28, 2, 3, 15, 6, 119, 12, 44, 47, 26, 121, 42]},
    {"key": "dhcp.vendor_class", "via": "dhcp", "match": "absent"}]},
  {"name": "plug (udhcpc)", "mac": "${MAC[plug]}",
   "ipv4": [["${IP[plug]}", "arp"]], "hostnames": [["$HN_PLUG", "dhcp"]],
   "vendor": ["Espressif", "oui"], "sources": [["arp", "arp"], ["dhcp", "dhcp"]],
   "attrs": [
    {"key": "dhcp.vendor_class", "via": "dhcp", "match": "exact", "value": "udhcp $BB_VER"},
    {"key": "dhcp.prl", "via": "dhcp", "match": "intlist", "value": [1, 3, 6, 12, 15, 28, 42]}]},
  {"name": "cam (dhcpcd)", "mac": "${MAC[cam]}",
   "ipv4": [["${IP[cam]}", "arp"]], "hostnames": [["$HN_CAM", "dhcp"]],
   "vendor": ["Raspberry Pi", "oui"], "sources": [["arp", "arp"], ["dhcp", "dhcp"]],
   "attrs": [
    {"key": "dhcp.vendor_class", "via": "dhcp", "match": "prefix",
     "value": "dhcpcd-$DHCPCD_VER:Linux-$(uname -r):$(uname -m):"},
    {"key": "dhcp.prl", "via": "dhcp", "match": "intlist",
     "value": [1, 121, 3, 6, 12, 15, 26, 28, 33, 51, 54, 58, 59, 119]},
    {"key": "arp.probe", "via": "arp", "match": "exact", "value": "${IP[cam]}"},
    {"key": "arp.announce", "via": "arp", "match": "exact", "value": "${IP[cam]}"}]},
  {"name": "prn (avahi)", "mac": "${MAC[prn]}",
   "ipv4": [["${IP[prn]}", "arp"]], "hostnames": [["$HN_PRN.local", "mdns"]],
   "vendor": ["Hewlett Packard", "oui"], "sources": [["arp", "arp"], ["mdns", "mdns"]],
   "attrs": [
    {"key": "mdns.service", "via": "mdns", "match": "contains", "value": "_ipp._tcp"},
    {"key": "mdns.txt", "via": "mdns", "match": "contains", "value": "ty=$PRN_MODEL"},
    {"key": "mdns.txt", "via": "mdns", "match": "contains", "value": "rp=ipp/print"}]},
  {"name": "sw (lldpd)", "mac": "${MAC[sw]}",
   "ipv4": [["${IP[sw]}", "arp"]], "hostnames": [["$HN_SW", "lldp"]],
   "vendor": ["Cisco", "oui"], "sources": [["arp", "arp"], ["lldp", "lldp"]],
   "attrs": [
    {"key": "lldp.system_name", "via": "lldp", "match": "exact", "value": "$HN_SW"},
    {"key": "lldp.system_description", "via": "lldp", "match": "exact", "value": "$SW_DESC"}]}
 ]
}
EOF

# ---------------------------------------------------------------- checks
nchk=$lan_steps
nfail=0
bad() { echo "FAIL $*"; nfail=$((nfail + 1)); }
chk() { # chk MESSAGE CMD...: one check; MESSAGE is printed when CMD fails
        local msg=$1
        shift
        nchk=$((nchk + 1))
        "$@" || bad "$msg"
}
no_zero_id() { [[ -n $1 && ! $1 =~ (^|\ )0(\ |$) ]]; }

for p in "${problems[@]}"; do bad "[lan] $p"; done
if ((${#problems[@]})); then
        for h in "${STATIONS[@]}"; do
                for f in "$LAN_STATE/$h".*.log; do
                        [[ -f $f ]] && { echo "--- $f"; tail -n 20 "$f"; }
                done
        done
fi

chk "[netinv] exit status $netinv_rc, want 0" test "$netinv_rc" = 0
# Privileges: the -v line, and the kernel's view of the process while it listened.
drop_line=$(grep -m1 "privileges dropped" "$err" || true)
drop_uid=$(sed -n 's/.*privileges dropped: uid \([0-9]*\) gid \([0-9]*\).*/\1 \2/p' <<< "$drop_line")
chk "[priv] no 'privileges dropped: uid U gid G' line on stderr" test -n "$drop_uid"
chk "[priv] netinv says it runs as uid/gid 0: $drop_line" no_zero_id "${drop_uid:-0}"
uids=$(awk '$1 == "Uid:" {print $2, $3, $4, $5}' <<< "$proc_status")
gids=$(awk '$1 == "Gid:" {print $2, $3, $4, $5}' <<< "$proc_status")
chk "[priv] uids while listening: '$uids' (want none 0)" no_zero_id "$uids"
chk "[priv] gids while listening: '$gids' (want none 0)" no_zero_id "$gids"
chk "[priv] effective capabilities left: $(grep CapEff <<< "$proc_status")" \
        grep -q '^CapEff:[[:space:]]*0*$' <<< "$proc_status"
chk "[priv] permitted capabilities left: $(grep CapPrm <<< "$proc_status")" \
        grep -q '^CapPrm:[[:space:]]*0*$' <<< "$proc_status"
chk "[priv] no_new_privs not set" grep -q '^NoNewPrivs:[[:space:]]*1$' <<< "$proc_status"
# Passive: the scanner's port sent nothing at all (IPv6 is off, it has no address).
chk "[passive] the scanner's lan0 sent $((tx_after - tx_before)) frames, want 0" \
        test "$tx_after" = "$tx_before"
echo "$((nchk - nfail)) of $nchk LAN, privilege and passivity checks passed"

if [[ -n ${NITL_KEEP:-} ]]; then
        mkdir -p "$NITL_KEEP"
        cp -r "$LAN_STATE"/. "$NITL_KEEP/" 2>/dev/null || true
fi
if [[ -s $out ]]; then
        python3 "$here/check.py" "$out" "$expect" || nfail=$((nfail + 1))
else
        bad "[netinv] no JSON document written"
        cat "$err" >&2
fi

t_end=$(date +%s.%N)
awk -v a="$t_start" -v b="$t_leased" -v c="$t_scanned" -v d="$t_end" 'BEGIN {
        printf "lan-passive: LAN up + leases %.1f s, scan done %.1f s, checked %.1f s (before cleanup)\n",
                b - a, c - a, d - a }'
if ((nfail)); then
        echo "lan-passive: FAILED"
        exit 1
fi
echo "lan-passive: all checks passed"
