#!/bin/bash
# mcast.sh - test lan-mcast: the ipv6, mdns and nbns probes of `netinv scan` against real
# daemons on a LAN of network namespaces.
#
#   mc-br     br0, a Linux bridge (no IGMP/MLD snooping), one veth end per station
#   mc-scan   lan0 02:6d:63:ff:00:01 198.18.42.1/24 + IPv6 link-local     netinv
#   mc-prn    lan0 02:6d:63:00:00:0a 198.18.42.10/24, IPv6 off            avahi-daemon 0.8
#             (no D-Bus) as mc-printer.local: _ssh._tcp 22, _ipp._tcp 631, _device-info._tcp
#   mc-smb    lan0 02:6d:63:00:00:14 198.18.42.20/24, IPv6 off            nmbd (Samba 4.17)
#             as MCFILER in workgroup MCLAB, own smb.conf and directories
#   mc-v6     lan0 02:6d:63:00:00:1e, no IPv4, IPv6 link-local only (fe80::6d:63ff:fe00:1e),
#             silent: its DAD and MLD reports are sent before the scan starts
#
# netinv scan lan0 --no-tcp --no-banner --no-ssdp -f json must then list
#   - the avahi host with mdns.service _ssh._tcp.local and _device-info._tcp.local, an
#     mdns.srv for its _ssh instance (the SRV the probe asked for) and the _device-info TXT
#     model= (the TXT it asked for), and its IPv4 address;
#   - the nmbd host with nbns.name MCFILER and nbns.workgroup MCLAB;
#   - the IPv6-only host with its link-local address (from the echo reply to ff02::1).
# The peers' daemons are started well before the scan and have gone quiet, so what netinv
# reports about them is what its probes made them say.
#
# Daemons run in their station's network namespace and in their own mount, UTS and PID
# namespaces (tmpfs over /run, /var/lib/samba, /var/cache/samba, /var/log/samba), as PID 1
# of their PID namespace, so one SIGKILL ends each with everything it forked. The trap
# kills them by PID and deletes every mc-* namespace, also on failure. Only 198.18.42.0/24
# and link-local IPv6 are used; nothing is attached to the root namespace.
#
# Root and the programs are needed: without them it exits 77 (meson: skipped).
# A control scan with --no-ipv6 --no-mdns --no-nbns runs first: none of those facts may
# show up in it.
# Knobs: MC_KEEP=DIR keeps the JSON, netinv's stderr and the daemons' logs; MC_PCAP=FILE
# records the scanner's lan0 during both scans (tcpdump).
set -euo pipefail

P=mc
NETINV_BIN=${NETINV_BIN:?NETINV_BIN is not set}
HERE=$(cd "$(dirname "$0")" && pwd)
PIDS=()
TMP=

log() { echo "mcast: $*" >&2; }

if [[ $(id -u) -ne 0 ]]; then
        log "needs root (network namespaces)"
        exit 77
fi
missing=
for p in ip nsenter unshare avahi-daemon nmbd python3 flock; do
        PATH=$PATH:/usr/sbin:/sbin command -v "$p" >/dev/null 2>&1 || missing+="$p "
done
if [[ -n $missing ]]; then
        log "missing: $missing"
        exit 77
fi

namespaces() {
        local f
        for f in /run/netns/"$P"-*; do
                [[ -e $f ]] && basename "$f"
        done
        return 0
}

remove_namespaces() {
        local ns pid
        for ns in $(namespaces); do
                for pid in $(ip netns pids "$ns" 2>/dev/null); do
                        kill -KILL "$pid" 2>/dev/null || true
                done
        done
        [[ -e /run/netns/$P-br ]] && ip netns del "$P-br"
        for ns in $(namespaces); do
                ip netns del "$ns" 2>/dev/null || true
        done
        return 0
}

cleanup() {
        local rc=$? pid kids
        trap - EXIT
        trap '' INT TERM
        for pid in "${PIDS[@]}"; do
                # the wrapper's child is PID 1 of the daemon's PID namespace
                kids=$(cat "/proc/$pid/task/$pid/children" 2>/dev/null || true)
                # shellcheck disable=SC2086
                [[ -z $kids ]] || kill -KILL $kids 2>/dev/null || true
                kill -KILL "$pid" 2>/dev/null || true
                wait "$pid" 2>/dev/null || true
        done
        remove_namespaces
        if [[ -n ${MC_KEEP:-} && -n $TMP ]]; then
                mkdir -p "$MC_KEEP" && cp -r "$TMP"/. "$MC_KEEP"/
        fi
        [[ -n $TMP && $TMP == /tmp/mc-lan.* ]] && rm -rf "$TMP"
        exit "$rc"
}

# One run at a time: the namespace names are fixed.
exec 9<"${BASH_SOURCE[0]}"
flock -w 120 9 || { log "another run holds the lock"; exit 1; }
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
if [[ -n $(namespaces) ]]; then
        log "removing leftovers of an earlier run"
        remove_namespaces
fi
TMP=$(mktemp -d /tmp/mc-lan.XXXXXX)
chmod 755 "$TMP"

in_ns() {
        local ns=$P-$1
        shift
        nsenter --net="/run/netns/$ns" "$@" 9<&-
}

# station NAME MAC [ADDR/PREFIX] [v6]: a namespace with lan0 on the bridge.
station() {
        local name=$1 mac=$2 addr=${3:-} v6=${4:-}
        ip netns add "$P-$name"
        if [[ $v6 != v6 ]]; then
                in_ns "$name" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 \
                        net.ipv6.conf.default.disable_ipv6=1
        fi
        ip -n "$P-br" link add "p-$name" type veth peer name lan0 netns "$P-$name" address "$mac"
        ip -n "$P-br" link set "p-$name" master br0 up
        {
                echo "link set lo up"
                echo "link set lan0 up"
                if [[ -n $addr ]]; then
                        echo "addr add $addr dev lan0"
                        echo "route add 224.0.0.0/4 dev lan0"
                fi
        } | ip -n "$P-$name" -batch -
}

# spawn NAME TAG CMD...: a foreground daemon in private mount, UTS and PID namespaces.
spawn() {
        local name=$1 tag=$2
        shift 2
        ip netns exec "$P-$name" unshare --mount --uts --pid --fork --kill-child --mount-proc \
                sh -c 'set -e
                        hostname "$0"
                        for d in /run /var/lib/samba /var/cache/samba /var/log/samba; do
                                [ -d "$d" ] && mount -t tmpfs -o mode=0755,size=16m mc-run "$d"
                        done
                        mkdir -p /run/avahi-daemon /run/samba
                        exec "$@"' "$name" "$@" \
                > "$TMP/$name.$tag.log" 2>&1 < /dev/null 9<&- &
        PIDS+=($!)
}

# ---- the LAN ----
ip netns add "$P-br"
in_ns br sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
ip -n "$P-br" link set lo up
ip -n "$P-br" link add br0 type bridge stp_state 0 forward_delay 0 mcast_snooping 0
ip -n "$P-br" link set br0 up
station scan 02:6d:63:ff:00:01 198.18.42.1/24 v6
station prn 02:6d:63:00:00:0a 198.18.42.10/24
station smb 02:6d:63:00:00:14 198.18.42.20/24
station v6 02:6d:63:00:00:1e "" v6
# Linux's default, set anyway: the test is about a host that answers.
in_ns v6 sysctl -q -w net.ipv6.icmp.echo_ignore_multicast=0

# ---- avahi: mc-printer.local ----
mkdir -p "$TMP/avahi/services"
cat > "$TMP/avahi/avahi-daemon.conf" <<EOF
[server]
host-name=mc-printer
domain-name=local
use-ipv4=yes
use-ipv6=no
allow-interfaces=lan0
enable-dbus=no
[wide-area]
enable-wide-area=no
[publish]
publish-addresses=yes
publish-hinfo=no
publish-workstation=no
publish-domain=no
[reflector]
enable-reflector=no
EOF
cat > "$TMP/avahi/services/ssh.service" <<'EOF'
<?xml version="1.0" standalone='no'?>
<!DOCTYPE service-group SYSTEM "avahi-service.dtd">
<service-group>
  <name>mc-printer ssh</name>
  <service><type>_ssh._tcp</type><port>22</port></service>
</service-group>
EOF
cat > "$TMP/avahi/services/ipp.service" <<'EOF'
<?xml version="1.0" standalone='no'?>
<!DOCTYPE service-group SYSTEM "avahi-service.dtd">
<service-group>
  <name>MC Lab Printer</name>
  <service>
    <type>_ipp._tcp</type><port>631</port>
    <txt-record>ty=MC Lab LaserJet 4000</txt-record>
    <txt-record>rp=ipp/print</txt-record>
  </service>
</service-group>
EOF
cat > "$TMP/avahi/services/device-info.service" <<'EOF'
<?xml version="1.0" standalone='no'?>
<!DOCTYPE service-group SYSTEM "avahi-service.dtd">
<service-group>
  <name>mc-printer</name>
  <service>
    <type>_device-info._tcp</type><port>0</port>
    <txt-record>model=MCLabPrinter4000</txt-record>
  </service>
</service-group>
EOF
spawn prn avahi sh -c "mount --bind '$TMP/avahi/services' /etc/avahi/services && \
        exec avahi-daemon -f '$TMP/avahi/avahi-daemon.conf' --no-drop-root --no-chroot \
        --no-rlimits --no-proc-title"

# ---- nmbd: MCFILER in MCLAB ----
S=$TMP/samba
mkdir -p "$S/run" "$S/lock" "$S/state" "$S/cache" "$S/private" "$S/ncalrpc"
cat > "$S/smb.conf" <<EOF
[global]
  netbios name = MCFILER
  workgroup = MCLAB
  interfaces = 198.18.42.20/24
  bind interfaces only = yes
  disable netbios = no
  pid directory = $S/run
  lock directory = $S/lock
  state directory = $S/state
  cache directory = $S/cache
  private dir = $S/private
  ncalrpc dir = $S/ncalrpc
  log file = $S/log.%m
  load printers = no
EOF
spawn smb nmbd nmbd -F --no-process-group --debug-stdout -s "$S/smb.conf"

# Let the daemons announce, claim their names and go quiet (avahi's probes and
# announcements take about 3 s; nmbd's name registrations about 5 s), and the IPv6
# host finish DAD and its MLD reports.
sleep 8
in_ns v6 ip -6 -o addr show dev lan0 | grep -q 'fe80::6d:63ff:fe00:1e' ||
        { log "mc-v6 has no link-local address"; exit 1; }
in_ns smb ss -lunH | grep -q ':137 ' || { log "nmbd does not listen"; cat "$TMP/smb.nmbd.log" >&2; exit 1; }

# ---- the scans ----
# First with the three probes off: the facts checked below must then be missing (they are
# not in the air without the probes, so the checks can fail).
TCPDUMP=
if [[ -n ${MC_PCAP:-} ]]; then
        nsenter --net="/run/netns/$P-scan" tcpdump -i lan0 -n -U -w "$MC_PCAP" >/dev/null 2>&1 9<&- &
        TCPDUMP=$!
        PIDS+=("$TCPDUMP")
        sleep 1
fi
rc=0
in_ns scan "$NETINV_BIN" scan lan0 --no-tcp --no-banner --no-ssdp --no-ipv6 --no-mdns --no-nbns \
        --oui none -f json -o "$TMP/off.json" 2>"$TMP/off.err" || rc=$?
[[ $rc -eq 0 ]] || { log "netinv (probes off) exited $rc"; cat "$TMP/off.err" >&2; exit 1; }
rc=0
in_ns scan "$NETINV_BIN" scan lan0 --no-tcp --no-banner --no-ssdp --oui none -v -f json \
        -o "$TMP/out.json" 2>"$TMP/netinv.err" || rc=$?
if [[ $rc -ne 0 ]]; then
        log "netinv exited $rc"
        cat "$TMP/netinv.err" >&2
        exit 1
fi
if [[ -n $TCPDUMP ]]; then
        sleep 1
        kill "$TCPDUMP" 2>/dev/null || true
fi

python3 - "$TMP/out.json" "$TMP/off.json" <<'EOF'
import json, sys

doc = json.load(open(sys.argv[1]))
devs = {d["mac"]: d for d in doc["devices"]}
off = {d["mac"]: d for d in json.load(open(sys.argv[2]))["devices"]}
fails = []

def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        fails.append(what)

def obs(d, key):
    return [o["value"] for o in d.get("observations", []) if o["key"] == key]

prn = devs.get("02:6d:63:00:00:0a")
check(prn is not None, "the avahi host is listed")
if prn:
    svc = obs(prn, "mdns.service")
    check("_ssh._tcp.local" in svc, "avahi: mdns.service _ssh._tcp.local (%s)" % svc)
    check("_device-info._tcp.local" in svc, "avahi: mdns.service _device-info._tcp.local")
    srv = obs(prn, "mdns.srv")
    check(any(v.startswith("mc-printer ssh._ssh._tcp.local 22 mc-printer.local") for v in srv),
          "avahi: the _ssh SRV resolved (%s)" % srv)
    txt = obs(prn, "mdns.txt")
    check("_device-info._tcp.local model=MCLabPrinter4000" in txt,
          "avahi: the _device-info TXT (%s)" % txt)
    check("_ipp._tcp.local ty=MC Lab LaserJet 4000" in txt, "avahi: the _ipp TXT")
    check("198.18.42.10" in prn.get("ipv4", []), "avahi: its IPv4 address")
    check("mc-printer.local" in prn.get("hostnames", []), "avahi: its host name")

smb = devs.get("02:6d:63:00:00:14")
check(smb is not None, "the nmbd host is listed")
if smb:
    check("MCFILER" in obs(smb, "nbns.name"), "nmbd: nbns.name MCFILER (%s)" % obs(smb, "nbns.name"))
    check("MCLAB" in obs(smb, "nbns.workgroup"), "nmbd: nbns.workgroup MCLAB")
    check("198.18.42.20" in smb.get("ipv4", []), "nmbd: its IPv4 address")

v6 = devs.get("02:6d:63:00:00:1e")
check(v6 is not None, "the IPv6-only host is listed")
if v6:
    check("fe80::6d:63ff:fe00:1e" in v6.get("ipv6", []),
          "IPv6-only host: fe80::6d:63ff:fe00:1e (%s)" % v6.get("ipv6"))
    check("icmp" in v6.get("sources", []), "IPv6-only host: found by the echo reply (%s)"
          % v6.get("sources"))

# The control scan, with --no-ipv6 --no-mdns --no-nbns.
keys = [o["key"] for d in off.values() for o in d.get("observations", [])]
check(not any(k.startswith(("mdns.", "nbns.")) for k in keys),
      "probes off: no mdns.* or nbns.* observation (%s)" % sorted(set(keys)))
check("02:6d:63:00:00:1e" not in off, "probes off: the IPv6-only host is not listed")
check("02:6d:63:00:00:0a" in off and "02:6d:63:00:00:14" in off,
      "probes off: the ARP sweep still lists the avahi and nmbd hosts")

sys.exit(1 if fails else 0)
EOF
