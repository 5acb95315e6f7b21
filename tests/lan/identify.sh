#!/usr/bin/env bash
# identify.sh - identification and end-of-life verdicts end to end: real programs on a LAN
# of network namespaces present real signals, `netinv scan` turns them into os and eol in
# its JSON, judged as on a fixed day (--as-of 2026-11-23), and Python asserts each peer's
# os.name, os.version, type and eol {product, cycle, status}.
#
#   station  MAC (OUI)                  address            program, signal
#   gw       50:c7:bf TP-Link           198.18.45.1/24     dnsmasq (DHCP server only)
#   cam      b8:27:eb Raspberry Pi      198.18.45.101 DHCP dhcpcd: option 60 dhcpcd-V:Linux-KERNEL:...
#   plug     24:0a:c4 Espressif         198.18.45.102 DHCP busybox udhcpc: option 60 "udhcp V"
#   mac      3c:22:fb Apple             198.18.45.5/24     avahi-daemon: _device-info._tcp
#                                                          model=MacBookPro15,2 osxvers=21
#   sw       00:1a:a1 Cisco             198.18.45.6/24     lldpd: Cisco IOS 15.0(2)SE4 description
#   jnp      00:05:85 Juniper           198.18.45.7/24     lldpd: Junos 18.4R3-S4.2 description
#   deb9     00:0c:29 VMware            198.18.45.11/24    socat on tcp/22: OpenSSH 7.4p1 Debian-10+deb9u7
#   ubu      00:0c:29 VMware            198.18.45.12/24    socat on tcp/22: OpenSSH 8.2p1 Ubuntu-4ubuntu0.5
#   iis      00:15:5d Microsoft         198.18.45.13/24    socat on tcp/80: Server: Microsoft-IIS/7.5
#   scan     02:65:69:64:00:01 (local)  none, then .250    netinv
#
# Passive part (always runs and asserts): `netinv scan lan0 --passive` while the stations
# start; DHCP, mDNS and LLDP give cam, plug, mac, sw and jnp their identity.
# Active part: the banners of deb9, ubu and iis need the banner probe. The servers count
# the connections they accept during the active scan (the TCP probe's half-open SYNs are
# never accepted): none means no banner probe spoke to them, which is a failure
# (NITI_REQUIRE_BANNER=0, for a build without the probe, reports it as SKIP by name);
# any means the banner checks are asserted. Either way
# the passive checks always run and decide the result too. iis answers with TTL 128, as
# the Windows it stands for (the weak TTL hint must not contradict the banner).
#
# The expected verdicts are fixed for the vendor tables shipped in data/eol; for Debian,
# Ubuntu and the kernel (whose verdict depends on the host: distro-info CSVs win over the
# shipped tables, and dhcpcd reports the host's kernel) the cycle is fixed and the status is
# what `netinv eol check` says for that cycle on the same day, and never "supported" where
# the release is past its end of security support.
#
# Names: namespaces eid-* and a state directory /tmp/eid-lan.XXXXXX, its own prefix so it
# can run beside lan-passive (nitl-*); addresses 198.18.45.0/24 only. Needs root; exits 77
# (skipped) without it or when a program is missing. NITI_KEEP=DIR keeps the JSON, the
# expectations and the stations' logs.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"
LAN_P=eid

skip() { echo "lan-identify: skipped: $*" >&2; exit 77; }
fail() { echo "lan-identify: $*" >&2; exit 1; }

[[ $(id -u) == 0 ]] || skip "needs root to create network namespaces"
[[ -n ${NETINV_BIN:-} ]] || fail "NETINV_BIN is not set (meson sets it; by hand: NETINV_BIN=build/netinv $0)"
[[ -x $NETINV_BIN ]] || fail "NETINV_BIN '$NETINV_BIN' is not an executable"
[[ -n ${NETINV_DATA_DIR:-} ]] || fail "NETINV_DATA_DIR is not set (the rules and tables: data/)"
missing=$(lan_missing ip nsenter unshare flock mount python3 ping dnsmasq udhcpc dhcpcd \
        avahi-daemon lldpd socat)
[[ -z $missing ]] || skip "missing programs: $missing"
unshare --net --mount --uts --pid --fork true 2>/dev/null || skip "cannot create namespaces here"

AS_OF=2026-11-23
DURATION=${NITI_DURATION:-15}
NET=198.18.45
GW_IP=$NET.1
SCAN_MAC=02:65:69:64:00:01
SCAN_IP=$NET.250
declare -A MAC=(
        [gw]=50:c7:bf:2d:00:01 [cam]=b8:27:eb:2d:00:02 [plug]=24:0a:c4:2d:00:03
        [mac]=3c:22:fb:2d:00:05 [sw]=00:1a:a1:2d:00:06 [jnp]=00:05:85:2d:00:07
        [deb9]=00:0c:29:2d:00:0b [ubu]=00:0c:29:2d:00:0c [iis]=00:15:5d:2d:00:0d
)
declare -A IP=(
        [gw]=$GW_IP [cam]=$NET.101 [plug]=$NET.102 [mac]=$NET.5 [sw]=$NET.6 [jnp]=$NET.7
        [deb9]=$NET.11 [ubu]=$NET.12 [iis]=$NET.13
)
STATIONS=(gw cam plug mac sw jnp deb9 ubu iis)
SW_DESC="Cisco IOS Software, C2960 Software (C2960-LANBASEK9-M), Version 15.0(2)SE4, RELEASE SOFTWARE (fc1)"
JNP_DESC="Juniper Networks, Inc. ex4300-48t Ethernet Switch, kernel JUNOS 18.4R3-S4.2, Build date: 2021-03-04"
SSH_DEB9="SSH-2.0-OpenSSH_7.4p1 Debian-10+deb9u7"
SSH_UBU="SSH-2.0-OpenSSH_8.2p1 Ubuntu-4ubuntu0.5"
IIS_SERVER="Microsoft-IIS/7.5"

# The banner probe is there when the scan can be told not to run it.
ACTIVE=0
"$NETINV_BIN" scan --help 2>&1 | grep -q -- '--no-banner' && ACTIVE=1
BANNERS=$ACTIVE         # 0 also when the probe turns out to send nothing (below)

# The host's kernel, as dhcpcd reports it (the rule keeps the leading a.b.c).
KVER=$(uname -r | sed -n 's/^\([0-9]*\.[0-9]*\(\.[0-9]*\)\?\).*/\1/p')
[[ -n $KVER ]] || fail "cannot read the kernel version from uname -r"
KCYCLE=$(cut -d. -f1-2 <<< "$KVER")

# What `netinv eol check` says of a cycle on AS_OF: the status column.
eol_status() {
        "$NETINV_BIN" eol check "$1" "$2" --as-of "$AS_OF" | awk 'NR == 2 {print $3}'
}

t_start=$(date +%s.%N)
# lib.sh's lan_init with this test's names: its own lock (this file), state directory and
# leftovers (only eid-*; lan_init would also remove other runs' /tmp/nitl-lan.*).
exec 9<"${BASH_SOURCE[0]}"
flock -w 60 9 || fail "another run holds the lock on ${BASH_SOURCE[0]}"
niti_on_exit() {
        local rc=$?
        trap - EXIT
        trap '' INT TERM
        local state=$LAN_STATE
        lan_cleanup
        [[ -n $state && -d $state && $state == /tmp/eid-lan.* ]] && rm -rf "$state"
        exit "$rc"
}
trap niti_on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
stale=$(lan_own_namespaces)
if [[ -n $stale ]]; then
        lan_log "removing leftovers of an earlier run: ${stale//$'\n'/ }"
        # shellcheck disable=SC2086
        lan_remove_namespaces $stale
fi
for d in /tmp/eid-lan.*; do
        [[ -d $d ]] && rm -rf "$d"
done
LAN_STATE=$(mktemp -d /tmp/eid-lan.XXXXXX)
chmod 755 "$LAN_STATE"
mkdir -p "$LAN_STATE/bin"
lan_write_nsinit

# ---------------------------------------------------------------- the LAN
lan_bridge
lan_host scan "$SCAN_MAC"
for h in "${STATIONS[@]}"; do
        case $h in
        cam|plug) lan_host "$h" "${MAC[$h]}" ;;
        *) lan_host "$h" "${MAC[$h]}" "${IP[$h]}/24" ;;
        esac
done

# ---------------------------------------------------------------- passive scan
out=$LAN_STATE/passive.json
err=$LAN_STATE/passive.stderr
ip netns exec "$(lan_ns scan)" "$NETINV_BIN" scan lan0 --passive --duration "$DURATION" \
        --as-of "$AS_OF" -f json -o "$out" -v > /dev/null 2> "$err" 9<&- &
netinv_pid=$!
LAN_PIDS+=("$netinv_pid")
for _ in $(seq 50); do
        grep -q "listening on" "$err" && break
        kill -0 "$netinv_pid" 2>/dev/null || break
        sleep 0.1
done
grep -q "listening on" "$err" || { cat "$err" >&2; fail "netinv did not start listening"; }

mac_service=$(cat <<'EOF'
<?xml version="1.0" standalone='no'?>
<!DOCTYPE service-group SYSTEM "avahi-service.dtd">
<service-group>
  <name>lab-mac</name>
  <service>
    <type>_device-info._tcp</type>
    <port>0</port>
    <txt-record>model=MacBookPro15,2</txt-record>
    <txt-record>osxvers=21</txt-record>
  </service>
</service-group>
EOF
)
lan_dnsmasq gw "$GW_IP" "$NET.100" "$NET.199" "${MAC[cam]},${IP[cam]}" "${MAC[plug]},${IP[plug]}"
lan_avahi mac lab-mac "$mac_service"
lan_lldpd sw core-sw "$SW_DESC"
lan_lldpd jnp edge-sw "$JNP_DESC"
# Banner servers (used by the active part): a fixed answer per connection, like the old
# releases they stand for. The SSH server speaks first; the HTTP one reads the request line.
# Scripts, not socat SYSTEM: strings, whose ':' and ',' socat would parse.
printf '#!/bin/sh\nprintf "%%s\\r\\n" "%s"\nsleep 2\n' "$SSH_DEB9" > "$LAN_STATE/bin/ssh-deb9"
printf '#!/bin/sh\nprintf "%%s\\r\\n" "%s"\nsleep 2\n' "$SSH_UBU" > "$LAN_STATE/bin/ssh-ubu"
printf '#!/bin/sh\nread -r line\nprintf "HTTP/1.1 200 OK\\r\\nServer: %s\\r\\nContent-Length: 0\\r\\nConnection: close\\r\\n\\r\\n"\n' \
        "$IIS_SERVER" > "$LAN_STATE/bin/http-iis"
chmod 755 "$LAN_STATE/bin/ssh-deb9" "$LAN_STATE/bin/ssh-ubu" "$LAN_STATE/bin/http-iis"
lan_exec iis sysctl -q -w net.ipv4.ip_default_ttl=128
# -d -d: socat logs each connection it accepts ("accepting connection"), counted below.
lan_spawn deb9 socat deb9 socat -d -d TCP-LISTEN:22,bind="${IP[deb9]}",reuseaddr,fork \
        EXEC:"$LAN_STATE/bin/ssh-deb9"
lan_spawn ubu socat ubu socat -d -d TCP-LISTEN:22,bind="${IP[ubu]}",reuseaddr,fork \
        EXEC:"$LAN_STATE/bin/ssh-ubu"
lan_spawn iis socat iis socat -d -d TCP-LISTEN:80,bind="${IP[iis]}",reuseaddr,fork \
        EXEC:"$LAN_STATE/bin/http-iis"
# accepted: connections the three banner servers have accepted so far
accepted() { cat "$LAN_STATE"/{deb9,ubu,iis}.socat.log 2>/dev/null | grep -c "accepting connection" || true; }
sleep 0.5       # dnsmasq listening before the first DISCOVER
lan_udhcpc plug esp-socket
lan_dhcpcd cam pi-cam

problems=()
for h in cam plug; do
        lan_wait_addr "$h" "${IP[$h]}" 15 || problems+=("$h got no lease ${IP[$h]} in 15 s")
done
for h in "${STATIONS[@]}"; do
        [[ $h == gw ]] && continue
        lan_exec "$h" ping -n -q -c 1 -W 2 "$GW_IP" > /dev/null 2>&1 || problems+=("$h cannot ping $GW_IP")
done
kill -0 "$netinv_pid" 2> /dev/null || problems+=("netinv stopped before the stations were done")
# The banner servers answer as the releases they stand for (asked from gw, not the scanner,
# so the passive scan stays passive; checked also when the active part is skipped).
first_line() { lan_exec gw timeout 5 socat -T 3 - "TCP:$1" 2>/dev/null | head -n 1 | tr -d '\r'; }
[[ $(first_line "${IP[deb9]}:22" < /dev/null) == "$SSH_DEB9" ]] || problems+=("deb9 does not answer $SSH_DEB9")
[[ $(first_line "${IP[ubu]}:22" < /dev/null) == "$SSH_UBU" ]] || problems+=("ubu does not answer $SSH_UBU")
iis_hdr=$(printf 'HEAD / HTTP/1.0\r\n\r\n' | lan_exec gw timeout 5 socat -T 3 - "TCP:${IP[iis]}:80" 2>/dev/null |
        tr -d '\r' | grep '^Server:' || true)
[[ $iis_hdr == "Server: $IIS_SERVER" ]] || problems+=("iis does not answer Server: $IIS_SERVER (got '$iis_hdr')")
# ... and their logs count those three connections: the SKIP below relies on the count.
(($(accepted) >= 3)) || problems+=("the banner servers' logs count $(accepted) connections, want 3")
set +e
wait "$netinv_pid"
passive_rc=$?
set -e

# ---------------------------------------------------------------- active scan (banners)
active_out=$LAN_STATE/active.json
active_rc=-
banner_skip="the banner probe is not in this netinv (\`netinv scan --help\` lists no --no-banner)"
if ((ACTIVE)); then
        conns_before=$(accepted)
        ip -n "$(lan_ns scan)" addr add "$SCAN_IP/24" dev lan0
        set +e
        ip netns exec "$(lan_ns scan)" "$NETINV_BIN" scan lan0 --as-of "$AS_OF" -f json \
                -o "$active_out" -v > /dev/null 2> "$LAN_STATE/active.stderr" 9<&-
        active_rc=$?
        set -e
        conns=$(( $(accepted) - conns_before ))
        echo "lan-identify: the banner servers accepted $conns connections during the active scan"
        if ((conns == 0)); then
                banner_skip="the banner probe made no connection to the SSH and HTTP servers (a placeholder in this netinv?)"
                if [[ ${NITI_REQUIRE_BANNER:-1} == 1 ]]; then
                        problems+=("NITI_REQUIRE_BANNER=1: $banner_skip")
                fi
                BANNERS=0
        fi
fi

# ---------------------------------------------------------------- expectations
# Per station: what os and eol must say. "status_not": a status the verdict must not be.
ST_DEB9=$(eol_status debian 9)
ST_UBU=$(eol_status ubuntu 20.04)
ST_KERNEL=$(eol_status linux "$KVER")
expect=$LAN_STATE/expect.json
cat > "$expect" <<EOF
{"passive": [
  {"name": "cam (dhcpcd)", "mac": "${MAC[cam]}", "family": "Linux", "os": "Linux kernel",
   "version": "$KVER", "eol": ["linux", "$KCYCLE", "$ST_KERNEL"]},
  {"name": "plug (udhcpc)", "mac": "${MAC[plug]}", "family": "Linux", "os": "BusyBox",
   "type": "iot", "eol": [null, null, "unknown"]},
  {"name": "mac (avahi _device-info)", "mac": "${MAC[mac]}", "family": "macOS",
   "os": "macOS 12 Monterey", "version": "12", "type": "workstation",
   "eol": ["macos", "12", "eol"]},
  {"name": "sw (lldpd, Cisco IOS 15.0)", "mac": "${MAC[sw]}", "family": "Cisco IOS",
   "os": "Cisco IOS", "version": "15.0(2)SE4", "type": "switch",
   "eol": ["cisco-ios", null, "unknown"]},
  {"name": "jnp (lldpd, Junos 18.4)", "mac": "${MAC[jnp]}", "family": "Junos",
   "os": "Junos OS", "version": "18.4R3-S4.2", "type": "switch",
   "eol": ["junos", "18.4", "eol"]}],
 "active": [
  {"name": "deb9 (socat, OpenSSH Debian 9)", "mac": "${MAC[deb9]}", "family": "Linux",
   "os": "Debian", "version": "9", "eol": ["debian", "9", "$ST_DEB9"], "port": 22,
   "status_not": "supported"},
  {"name": "ubu (socat, OpenSSH Ubuntu 20.04)", "mac": "${MAC[ubu]}", "family": "Linux",
   "os": "Ubuntu", "version": "20.04", "eol": ["ubuntu", "20.04", "$ST_UBU"], "port": 22,
   "status_not": "supported"},
  {"name": "iis (socat, IIS 7.5)", "mac": "${MAC[iis]}", "family": "Windows",
   "os": "Windows Server 2008 R2", "eol": ["windows-server", "2008-r2-sp1", "eol"],
   "port": 80}]}
EOF

if [[ -n ${NITI_KEEP:-} ]]; then
        mkdir -p "$NITI_KEEP"
        cp -r "$LAN_STATE"/. "$NITI_KEEP/" 2>/dev/null || true
fi

nfail=0
for p in "${problems[@]}"; do
        echo "FAIL [lan] $p"
        nfail=$((nfail + 1))
done
if ((${#problems[@]})); then
        for f in "$LAN_STATE"/*.log; do
                [[ -f $f ]] && { echo "--- $f"; tail -n 20 "$f"; }
        done
fi
if [[ $passive_rc != 0 ]]; then
        echo "FAIL [netinv] passive scan exit status $passive_rc"
        cat "$err" >&2
        nfail=$((nfail + 1))
fi
if ((ACTIVE)) && [[ $active_rc != 0 ]]; then
        echo "FAIL [netinv] active scan exit status $active_rc"
        cat "$LAN_STATE/active.stderr" >&2
        nfail=$((nfail + 1))
fi

python3 - "$expect" "$out" "$([[ $ACTIVE == 1 ]] && echo "$active_out" || echo -)" "$BANNERS" \
        "$banner_skip" \
        <<'EOF' || nfail=$((nfail + 1))
import json, sys

expect = json.load(open(sys.argv[1]))
failed, passed, skipped = [], 0, []


def load(path):
    try:
        return {d["mac"]: d for d in json.load(open(path))["devices"]}
    except (OSError, ValueError, KeyError) as e:
        failed.append(f"{path}: no JSON document ({e})")
        return None


def check(part, devs, want):
    global passed
    name = want["name"]
    d = devs.get(want["mac"]) if devs is not None else None
    if d is None:
        failed.append(f"[{part}] {name}: device {want['mac']} not in the document")
        return
    os_ = d.get("os") or {}
    eol = d.get("eol") or {}
    got = {"family": os_.get("family"), "os": os_.get("name"), "version": os_.get("version"),
           "type": d.get("type"),
           "eol": [eol.get("product"), eol.get("cycle"), eol.get("status")]}
    bad = []
    for k in ("family", "os", "version", "type", "eol"):
        if k in want and got[k] != want[k]:
            bad.append(f"{k} {got[k]!r}, want {want[k]!r}")
    if "status_not" in want and got["eol"][2] == want["status_not"]:
        bad.append(f"eol.status is {want['status_not']!r}, past its end of security support")
    if bad:
        ev = "; ".join(f"{e.get('rule')}<-{e.get('key')}={e.get('value')!r}"
                       for e in os_.get("evidence") or [])
        failed.append(f"[{part}] {name}: " + ", ".join(bad) + f" (evidence: {ev or 'none'})")
    else:
        passed += 1
        print(f"ok   [{part}] {name}: {got['os']} {got['version'] or ''} -> "
              f"{got['eol'][0]} {got['eol'][1]} {got['eol'][2]}")


devs = load(sys.argv[2])
for w in expect["passive"]:
    check("passive", devs, w)
devs = load(sys.argv[3]) if sys.argv[3] != "-" else None
for w in expect["active"]:
    if devs is not None:
        # The active scan reached the server: the TCP probe found its port open.
        d = devs.get(w["mac"]) or {}
        ports = {(x.get("proto"), x.get("port")) for x in d.get("services") or []}
        if ("tcp", w["port"]) in ports:
            passed += 1
            print(f"ok   [active] {w['name']}: tcp/{w['port']} open")
        else:
            failed.append(f"[active] {w['name']}: tcp/{w['port']} not among its services {sorted(ports)}")
    if sys.argv[4] == "1":
        check("active", devs, w)
    else:
        skipped.append(w["name"])
        print(f"SKIP [active] {w['name']}: banner checks: {sys.argv[5]}")
for f in failed:
    print("FAIL " + f)
print(f"{passed} identity checks passed, {len(failed)} failed, {len(skipped)} skipped")
# Never vacuous: the passive checks always run.
sys.exit(1 if failed or passed < len(expect["passive"]) else 0)
EOF

t_end=$(date +%s.%N)
awk -v a="$t_start" -v b="$t_end" 'BEGIN { printf "lan-identify: %.1f s (before cleanup)\n", b - a }'
if ((nfail)); then
        echo "lan-identify: FAILED"
        exit 1
fi
echo "lan-identify: all checks passed$( ((BANNERS)) || echo " (banner checks skipped: $banner_skip)")"
