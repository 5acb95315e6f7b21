#!/bin/bash
# full.sh - `netinv scan lan0` with every probe at its defaults, on a LAN of 254 peer
# namespaces of which a few run real services (suite lan; needs root, else skipped).
#
# LAN (active-lib.sh): 198.18.0.0/23 on a Linux bridge, the scanner at 198.18.1.1 as in
# active.sh, peers h1..h254 at 198.18.0.1-254, each in its own namespace. Services:
#   h1  OpenSSH sshd on 22 (its own host key and config)
#   h2  python3 http.server on 80 (Server: SimpleHTTP/x Python/y, a page with a <title>)
#   h3  avahi-daemon (no D-Bus) publishing _device-info._tcp and _ssh._tcp; IPv6 link-local
#   h4  a socat listener on 8080 that accepts and never answers: one timeout, no hang
#   h5  TTL 128 (net.ipv4.ip_default_ttl in its namespace), a listener on 135
#   h6  TTL 255, a listener on 23 that says "login: "
# Every other peer never speaks first and has no service.
# Checks: every peer is found; every open service is listed with its banner; the silent
# listener costs one timeout; the TTL classes; the scan ends in a few seconds.
set -u

skip() { echo "lan-full: skipped: $*" >&2; exit 77; }
[[ $(id -u) -eq 0 ]] || skip "needs root"
for p in ip nsenter unshare flock python3 sysctl socat avahi-daemon /usr/sbin/sshd ssh-keygen; do
        PATH=$PATH:/usr/sbin:/sbin command -v "$p" >/dev/null 2>&1 || skip "needs $p"
done
NETINV_BIN=${NETINV_BIN:?NETINV_BIN is not set}
here=$(dirname "$(readlink -f "$0")")
# shellcheck source=tests/lan/active-lib.sh
. "$here/active-lib.sh"
nia_init

fail=0
chk() {
        if eval "$2"; then echo "ok: $1"; else echo "FAIL: $1"; fail=1; fi
}

# nia_daemon HOST TAG CMD...: a foreground daemon in HOST's network namespace and its own
# mount and PID namespaces with a private /run (sshd's privsep directory, avahi's pid file).
nia_daemon() {
        local host=$1 tag=$2
        shift 2
        ip netns exec "$(nia_ns "$host")" unshare --mount --pid --fork --kill-child --mount-proc \
                sh -c 'mount -t tmpfs -o mode=0755,size=8m nia-run /run && mkdir -p /run/sshd /run/avahi-daemon && exec "$@"' \
                nia "$@" > "$NIA_TMP/$host.$tag.log" 2>&1 < /dev/null 9<&- &
        NIA_PIDS+=($!)
}

N=254
nia_lan $N 198.18.1.1/23 23
ip_of() { nia_peer_ip "$1"; }
mac_of() { nia_peer_mac "$1"; }

# h1: sshd
mkdir -p "$NIA_TMP/ssh"
ssh-keygen -q -t ed25519 -N '' -f "$NIA_TMP/ssh/key" >/dev/null
cat > "$NIA_TMP/ssh/sshd_config" <<CONF
ListenAddress $(ip_of 1)
Port 22
HostKey $NIA_TMP/ssh/key
PidFile none
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
CONF
nia_daemon h1 sshd /usr/sbin/sshd -D -e -f "$NIA_TMP/ssh/sshd_config"

# h2: a web server
mkdir -p "$NIA_TMP/www"
echo '<html><head><title>Lab printer status</title></head><body>ok</body></html>' > "$NIA_TMP/www/index.html"
nia_daemon h2 http python3 -m http.server 80 --bind "$(ip_of 2)" --directory "$NIA_TMP/www"

# h3: avahi with a device-info record, and IPv6 link-local on its lan0
nia_exec h3 sysctl -q -w net.ipv6.conf.lan0.addr_gen_mode=0
nia_exec h3 ip link set lan0 down
nia_exec h3 ip link set lan0 addrgenmode eui64
nia_exec h3 ip link set lan0 up
mkdir -p "$NIA_TMP/avahi/services"
cat > "$NIA_TMP/avahi/avahi-daemon.conf" <<CONF
[server]
host-name=lab-nas
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
[reflector]
enable-reflector=no
CONF
cat > "$NIA_TMP/avahi/services/nas.service" <<'XML'
<?xml version="1.0" standalone='no'?>
<!DOCTYPE service-group SYSTEM "avahi-service.dtd">
<service-group>
  <name>lab-nas</name>
  <service><type>_device-info._tcp</type><port>0</port><txt-record>model=RackMac1,2</txt-record></service>
  <service><type>_ssh._tcp</type><port>22</port></service>
</service-group>
XML
nia_daemon h3 avahi sh -c "mount --bind '$NIA_TMP/avahi/services' /etc/avahi/services && \
        exec avahi-daemon -f '$NIA_TMP/avahi/avahi-daemon.conf' --no-drop-root --no-chroot --no-rlimits"

# h4: accepts, never answers
nia_daemon h4 silent socat TCP-LISTEN:8080,bind="$(ip_of 4)",fork,reuseaddr SYSTEM:'sleep 60'
# h5: TTL 128; h6: TTL 255
nia_exec h5 sysctl -q -w net.ipv4.ip_default_ttl=128
nia_exec h6 sysctl -q -w net.ipv4.ip_default_ttl=255
nia_daemon h5 rpc socat TCP-LISTEN:135,bind="$(ip_of 5)",fork,reuseaddr SYSTEM:'sleep 5'
nia_daemon h6 telnet socat TCP-LISTEN:23,bind="$(ip_of 6)",fork,reuseaddr SYSTEM:'printf "login: "; sleep 5'

# Wait for the listeners.
for spec in "1 22" "2 80" "4 8080" "5 135" "6 23"; do
        set -- $spec
        for _ in $(seq 50); do
                nia_exec "h$1" ss -ltn "sport = :$2" | grep -q LISTEN && break
                sleep 0.1
        done
done
sleep 4         # avahi has probed and announced: what comes now answers our queries

start=$(date +%s.%N)
nia_exec scan "$NETINV_BIN" scan lan0 --oui none -f json -o "$NIA_TMP/scan.json" -v \
        2> "$NIA_TMP/scan.err"
rc=$?
end=$(date +%s.%N)
secs=$(python3 -c "print(round($end - $start, 2))")
sed 's/^/    /' "$NIA_TMP/scan.err"
chk "scan exits 0 (got $rc) in $secs s" "[[ $rc -eq 0 ]]"
chk "the scan ends in a few seconds (< 15 s; took $secs s)" "python3 -c 'import sys; sys.exit(not $secs < 15)'"

python3 - "$NIA_TMP/scan.json" "$N" <<'PY' || fail=1
import json, sys
doc = json.load(open(sys.argv[1]))
n = int(sys.argv[2])
def mac(k): return "02:4e:49:00:%02x:%02x" % (k // 256, k % 256)
def ip(k): return "198.18.0.%d" % k
devs = {d["mac"]: d for d in doc["devices"]}
bad = 0
def chk(what, ok):
    global bad
    print(("ok: " if ok else "FAIL: ") + what)
    bad |= not ok
missing = [k for k in range(1, n + 1) if mac(k) not in devs or ip(k) not in devs[mac(k)]["ipv4"]]
chk("every peer found with its address (%d of %d)" % (n - len(missing), n), not missing)
def svc(k, port, proto="tcp"):
    d = devs.get(mac(k), {})
    for s in d.get("services", []):
        if s["port"] == port and s["proto"] == proto:
            return s
    return None
def obs(k, key):
    return [o["value"] for o in devs.get(mac(k), {}).get("observations", []) if o["key"] == key]
s = svc(1, 22)
chk("h1: ssh on 22 with its banner (%s)" % s, bool(s and (s["banner"] or "").startswith("SSH-2.0-OpenSSH_")))
s = svc(2, 80)
chk("h2: http on 80 with its Server header (%s)" % s, bool(s and "SimpleHTTP" in (s["banner"] or "")))
chk("h2: the page title read", "Lab printer status" in obs(2, "http.title"))
d3 = devs.get(mac(3), {})
chk("h3: DNS-SD answers (mdns.service/instance: %s)" % (obs(3, "mdns.service")[:4]),
    any("_device-info._tcp" in v or "_ssh._tcp" in v for v in obs(3, "mdns.service") + obs(3, "mdns.instance") + obs(3, "mdns.srv")))
chk("h3: its IPv6 link-local address (%s)" % d3.get("ipv6"), any(a.startswith("fe80:") for a in d3.get("ipv6", [])))
s = svc(4, 8080)
chk("h4: the silent listener listed as open (%s)" % s, s is not None)
chk("h5: ttl 128 (%s)" % devs.get(mac(5), {}).get("ttl"), devs.get(mac(5), {}).get("ttl") == 128)
chk("h6: ttl 255 (%s)" % devs.get(mac(6), {}).get("ttl"), devs.get(mac(6), {}).get("ttl") == 255)
s = svc(6, 23)
chk("h6: telnet on 23 (%s)" % s, s is not None)
chk("h1: ttl 64", devs.get(mac(1), {}).get("ttl") == 64)
quiet = [k for k in range(7, n + 1) if devs.get(mac(k), {}).get("services")]
chk("peers without services list none (%s)" % quiet[:5], not quiet)
sys.exit(bad)
PY
if ((fail)); then echo "lan-full: checks FAILED"; exit 1; fi
echo "lan-full: all checks passed"
