#!/usr/bin/env bash
# banner.sh - test lan-banner: `netinv scan` with the TCP and banner probes on a LAN of
# network namespaces with real servers, and checks on its JSON document.
#
# Namespaces (prefix "ban-", 198.18.41.0/24 only, nothing linked to the root namespace):
#   ban-br    the bridge br0 (a hub: ageing 0)
#   ban-scan  lan0 198.18.41.1   02:62:61:6e:00:01   netinv
#   ban-ssh   lan0 198.18.41.2   02:62:61:6e:00:02   OpenSSH sshd :22 (own config and host key)
#   ban-web   lan0 198.18.41.3   02:62:61:6e:00:03   lighttpd :80, Python http.server over TLS :443
#   ban-smb   lan0 198.18.41.4   02:62:61:6e:00:04   Samba smbd :445 (own config and state dirs)
#   ban-snmp  lan0 198.18.41.5   02:62:61:6e:00:05   net-snmp snmpd :161/udp, community ban-secret
#   ban-mute  lan0 198.18.41.6   02:62:61:6e:00:06   socat :80 that accepts and never answers,
#                                                      socat :9100 that logs every connection
#   ban-rdp   lan0 198.18.41.7   02:62:61:6e:00:07   FreeRDP's shadow server :3389 with NLA on
#                                                      Xvfb (only when both are installed)
# Each server runs in its own mount namespace with tmpfs over /run and the daemons' state
# directories (pid files and sockets cannot meet anyone else's), in its own process group.
# The EXIT trap kills those groups and every process left in a ban-* namespace, and deletes
# the namespaces, also on failure. One run at a time (flock on this file).
#
# Checked: exit 0; ssh.software and the tcp/22 banner; http.server and http.title from
# lighttpd; http.server over TLS on 443; smb.dialect and the ntlm.* keys from Samba;
# snmp.sys_name/sys_descr with the right community (the wrong one, tried first, costs one
# timeout), the community never in the document; rdp.protocol, rdp.credssp_version and
# ntlm.* from FreeRDP through TLS; the silent listener gives a bare "tcp/80" service and
# the scan ends within its time bound; nothing connected to 9100; no other device.
#
# Run: meson test -C build --suite lan lan-banner (as root), or
# sudo NETINV_BIN=build/netinv tests/lan/banner.sh. BAN_KEEP=DIR keeps the JSON and logs.
# Without root or one of the programs: exit 77 (skipped).
set -euo pipefail

skip() { echo "banner.sh: $*; skipped" >&2; exit 77; }
[[ $(id -u) == 0 ]] || skip "needs root"
HERE=$(cd "$(dirname "$0")" && pwd)
NETINV=${NETINV_BIN:-$HERE/../../build/netinv}
[[ -x $NETINV ]] || skip "no netinv binary at $NETINV (set NETINV_BIN)"
for p in ip nsenter unshare setsid flock /usr/sbin/sshd ssh-keygen lighttpd smbd snmpd socat \
        python3 openssl; do
        command -v "$p" >/dev/null 2>&1 || skip "$p is missing"
done

P=ban
NETS=(scan ssh web smb snmp mute)
RDP=0
command -v freerdp-shadow-cli >/dev/null 2>&1 && command -v Xvfb >/dev/null 2>&1 && RDP=1
((RDP)) && NETS+=(rdp)
PIDS=()
W=

cleanup() {
        local rc=$? pid ns
        trap - EXIT
        trap '' INT TERM
        set +e
        for pid in "${PIDS[@]}"; do kill -TERM -- "-$pid" 2>/dev/null; done
        sleep 0.3
        for pid in "${PIDS[@]}"; do kill -KILL -- "-$pid" 2>/dev/null; wait "$pid" 2>/dev/null; done
        for ns in "${NETS[@]}" br; do
                [[ -e /run/netns/$P-$ns ]] || continue
                for pid in $(ip netns pids "$P-$ns" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null; done
                ip netns del "$P-$ns" 2>/dev/null
        done
        if [[ -n ${BAN_KEEP:-} && -n $W ]]; then
                mkdir -p "$BAN_KEEP" && cp -r "$W"/. "$BAN_KEEP"/ 2>/dev/null
        fi
        [[ -n $W && $W == /tmp/ban.* ]] && rm -rf "$W"
        exit "$rc"
}

exec 9<"$0"
flock -w 300 9 || { echo "banner.sh: another run holds the lock" >&2; exit 1; }
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
for ns in "${NETS[@]}" br; do ip netns del "$P-$ns" 2>/dev/null || true; done
W=$(mktemp -d /tmp/ban.XXXXXX)
chmod 755 "$W"

# ---- the LAN ----
# IPv6 off everywhere: the LAN carries only what the test starts.
v6off() { ip netns exec "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1; }
ip netns add $P-br
v6off $P-br
ip -n $P-br link add br0 type bridge ageing_time 0
ip -n $P-br link set br0 up
k=1
for n in "${NETS[@]}"; do
        ip netns add $P-$n
        v6off $P-$n
        ip -n $P-br link add p-$n type veth peer name lan0 netns $P-$n
        ip -n $P-br link set p-$n master br0 up
        ip -n $P-$n link set lan0 address "02:62:61:6e:00:0$k"
        ip -n $P-$n addr add "198.18.41.$k/24" dev lan0
        ip -n $P-$n link set lo up
        ip -n $P-$n link set lan0 up
        k=$((k + 1))
done

# daemon NS NAME 'shell command': in NS, a private mount namespace with tmpfs over /run
# and the daemons' state directories, its own process group; output to $W/NAME.log.
daemon() {
        local ns=$1 name=$2
        setsid ip netns exec "$P-$ns" unshare --mount --propagation private sh -c "
                for d in /run /var/lib/samba /var/cache/samba /var/log/samba /var/lib/snmp \
                        /tmp/.X11-unix; do
                        [ -d \$d ] && mount -t tmpfs $P \$d
                done
                mkdir -p /run/sshd
                exec $3" >"$W/$name.log" 2>&1 9<&- &
        PIDS+=($!)
}

# ---- servers ----
ssh-keygen -q -t ed25519 -N '' -f "$W/ssh_host_ed25519_key"
cat >"$W/sshd_config" <<EOC
ListenAddress 198.18.41.2
Port 22
HostKey $W/ssh_host_ed25519_key
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
EOC
daemon ssh sshd "/usr/sbin/sshd -D -e -f $W/sshd_config -o PidFile=none"

mkdir -p "$W/www"
cat >"$W/www/index.html" <<EOC
<!DOCTYPE html>
<html><head><title>Ban Lab
  Printer</title></head><body><p>Toner: 80%</p></body></html>
EOC
cat >"$W/lighttpd.conf" <<EOC
server.document-root = "$W/www"
server.bind = "198.18.41.3"
server.port = 80
server.pid-file = "$W/lighttpd.pid"
server.errorlog = "$W/lighttpd.err"
index-file.names = ("index.html")
mimetype.assign = (".html" => "text/html")
EOC
daemon web lighttpd "lighttpd -D -f $W/lighttpd.conf"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=ban-web \
        -keyout "$W/tls.key" -out "$W/tls.crt" 2>/dev/null
cat >"$W/https.py" <<EOC
import functools, http.server, ssl
h = functools.partial(http.server.SimpleHTTPRequestHandler, directory="$W/www")
s = http.server.HTTPServer(("198.18.41.3", 443), h)
c = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
c.load_cert_chain("$W/tls.crt", "$W/tls.key")
s.socket = c.wrap_socket(s.socket, server_side=True)
s.serve_forever()
EOC
daemon web https "python3 $W/https.py"

mkdir -p "$W/samba/run" "$W/samba/lock" "$W/samba/state" "$W/samba/cache" \
        "$W/samba/private" "$W/samba/ncalrpc"
cat >"$W/smb.conf" <<EOC
[global]
  workgroup = BANLAB
  netbios name = BAN-SMB
  server role = standalone server
  interfaces = 198.18.41.4/24
  bind interfaces only = yes
  smb ports = 445
  disable netbios = yes
  pid directory = $W/samba/run
  lock directory = $W/samba/lock
  state directory = $W/samba/state
  cache directory = $W/samba/cache
  private dir = $W/samba/private
  ncalrpc dir = $W/samba/ncalrpc
  log file = $W/samba/log.%m
  disable spoolss = yes
  load printers = no
[pub]
  path = $W/www
  guest ok = yes
  read only = yes
EOC
daemon smb smbd "smbd -F --no-process-group --debug-stdout -s $W/smb.conf"

mkdir -p "$W/snmp"
cat >"$W/snmpd.conf" <<EOC
agentAddress udp:198.18.41.5:161
rocommunity ban-secret 198.18.41.0/24
sysName ban-snmp
sysLocation ban lab
EOC
daemon snmp snmpd "env SNMP_PERSISTENT_DIR=$W/snmp snmpd -f -C -c $W/snmpd.conf -Lf $W/snmpd.log -p $W/snmpd.pid"

daemon mute mute80 "socat -d -d TCP-LISTEN:80,bind=198.18.41.6,reuseaddr,fork SYSTEM:'sleep 60'"
daemon mute mute9100 "socat -d -d TCP-LISTEN:9100,bind=198.18.41.6,reuseaddr,fork SYSTEM:'sleep 60'"

if ((RDP)); then
        # SAM file: user:domain:LM hash:NT hash (of "ban-pass"; nobody logs in)
        mkdir -p "$W/rdp"
        echo 'ban:BANLAB::1b1b5b4a8ff8e1f6f9c0a1dc3f8b2c6d:::' >"$W/rdp/sam"
        daemon rdp rdp "sh -c 'export HOME=$W/rdp XDG_CONFIG_HOME=$W/rdp/config;
                Xvfb :41 -nolock -nolisten tcp -screen 0 640x480x24 &
                i=0; while [ ! -S /tmp/.X11-unix/X41 ] && [ \$i -lt 100 ]; do sleep 0.1; i=\$((i+1)); done;
                DISPLAY=:41 exec freerdp-shadow-cli /bind-address:198.18.41.7 /port:3389 \
                        /sec:nla /sam-file:$W/rdp/sam +auth'"
fi

# Wait until every server listens.
listening() { nsenter --net="/run/netns/$P-$1" ss -Hln "$2" 2>/dev/null | grep -q "198.18.41.$3:$4 "; }
for i in $(seq 1 200); do
        if listening ssh -t 2 22 && listening web -t 3 80 && listening web -t 3 443 &&
                listening smb -t 4 445 && listening snmp -u 5 161 && listening mute -t 6 80 &&
                listening mute -t 6 9100 && { ((!RDP)) || listening rdp -t 7 3389; }; then
                break
        fi
        [[ $i == 200 ]] && { echo "banner.sh: servers did not start" >&2; tail -n 5 "$W"/*.log >&2; exit 1; }
        sleep 0.1
done

# ---- the scan ----
t0=$(date +%s.%N)
# In the background: `wait` lets a signal run the cleanup at once (which kills netinv
# with everything else in the ban-* namespaces).
nsenter --net="/run/netns/$P-scan" "$NETINV" scan lan0 --no-mdns --no-ssdp --no-ipv6 --no-nbns \
        --ports 22,80,443,445,3389,9100 --snmp-community public --snmp-community ban-secret \
        --oui none -f json >"$W/scan.json" 2>"$W/netinv.err" 9<&- &
rc=0
wait $! || rc=$?
t1=$(date +%s.%N)
wall=$(python3 -c "print(f'{$t1 - $t0:.2f}')")
echo "banner.sh: netinv exit $rc in ${wall}s" >&2
if [[ $rc != 0 ]]; then
        cat "$W/netinv.err" >&2
        exit 1
fi

# The TCP probe gives the banner probe its ports: without it (a placeholder) there is
# nothing to check here.
if ! grep -q '"tcp.open"' "$W/scan.json"; then
        skip "no tcp.open in the document: the TCP probe is not in this build"
fi

python3 - "$W/scan.json" "$wall" "$W/mute9100.log" "$RDP" <<'PY'
import json, sys

doc = json.load(open(sys.argv[1]))
wall = float(sys.argv[2])
fails = []

def fail(msg):
    fails.append(msg)

devs = {d["mac"]: d for d in doc["devices"]}

def dev(k, what):
    mac = "02:62:61:6e:00:%02x" % k
    if mac not in devs:
        fail(f"{what}: no device {mac}")
        return None
    return devs[mac]

def obs(d, key):
    return [o["value"] for o in d["observations"] if o["key"] == key]

def one(d, key, what):
    v = obs(d, key)
    if not v:
        fail(f"{what}: no {key}")
        return ""
    return v[0]

def service(d, proto, port, what):
    for s in d["services"]:
        if s["proto"] == proto and s["port"] == port:
            return s
    fail(f"{what}: no service {proto}/{port} in {d['services']}")
    return {"name": None, "banner": None}

# sshd
d = dev(2, "sshd")
if d:
    if not one(d, "ssh.software", "sshd").startswith("OpenSSH_"):
        fail(f"sshd: ssh.software {obs(d, 'ssh.software')}")
    s = service(d, "tcp", 22, "sshd")
    if s["name"] != "ssh" or not (s["banner"] or "").startswith("SSH-2.0-OpenSSH_"):
        fail(f"sshd: service {s}")

# lighttpd and TLS
d = dev(3, "web")
if d:
    srv = obs(d, "http.server")
    if not any(v.startswith("lighttpd/") for v in srv):
        fail(f"lighttpd: http.server {srv}")
    if not any(v.startswith("SimpleHTTP/") for v in srv):
        fail(f"https: http.server {srv}")
    if "Ban Lab Printer" not in obs(d, "http.title"):
        fail(f"lighttpd: http.title {obs(d, 'http.title')}")
    s = service(d, "tcp", 80, "lighttpd")
    if not (s["banner"] or "").startswith("lighttpd/"):
        fail(f"lighttpd: service {s}")
    s = service(d, "tcp", 443, "https")
    if s["name"] != "https" or not (s["banner"] or "").startswith("SimpleHTTP/"):
        fail(f"https: service {s}")

# Samba
d = dev(4, "smbd")
if d:
    if one(d, "smb.dialect", "smbd") != "3.1.1":
        fail(f"smbd: smb.dialect {obs(d, 'smb.dialect')}")
    if one(d, "ntlm.netbios_computer", "smbd") != "BAN-SMB":
        fail(f"smbd: ntlm.netbios_computer {obs(d, 'ntlm.netbios_computer')}")
    if not one(d, "ntlm.os_version", "smbd"):
        fail("smbd: ntlm.os_version empty")
    s = service(d, "tcp", 445, "smbd")
    if s["name"] != "smb" or not (s["banner"] or "").startswith("SMB 3.1.1"):
        fail(f"smbd: service {s}")

# snmpd
d = dev(5, "snmpd")
if d:
    if one(d, "snmp.sys_name", "snmpd") != "ban-snmp":
        fail(f"snmpd: snmp.sys_name {obs(d, 'snmp.sys_name')}")
    descr = one(d, "snmp.sys_descr", "snmpd")
    if not descr.startswith("Linux"):
        fail(f"snmpd: snmp.sys_descr {descr!r}")
    s = service(d, "udp", 161, "snmpd")
    if s["name"] != "snmp" or not (s["banner"] or "").startswith("Linux"):
        fail(f"snmpd: service {s}")
if "ban-secret" in json.dumps(doc):
    fail("the community is in the document")

# the silent listener: a bare service, no HTTP, and no stall
d = dev(6, "mute")
if d:
    s = service(d, "tcp", 80, "mute")
    if s["banner"] is not None:
        fail(f"mute: service {s}")
    if obs(d, "http.status"):
        fail("mute: an HTTP status from a silent listener")
# Sweep (< 1 s), SYNs, then one conversation time (3 s) for the silent listener and
# two SNMP waits (2 x 1 s) for the wrong community, in parallel; 15 s is a wide bound.
if wall > 15:
    fail(f"the scan took {wall} s (silent listener stalled it?)")

# FreeRDP: X.224 chose HYBRID (NLA), the CredSSP answer through TLS
if sys.argv[4] == "1":
    d = dev(7, "rdp")
    if d:
        if one(d, "rdp.protocol", "rdp") != "hybrid":
            fail(f"rdp: rdp.protocol {obs(d, 'rdp.protocol')}")
        if not one(d, "rdp.credssp_version", "rdp"):
            fail("rdp: rdp.credssp_version empty")
        if not one(d, "ntlm.os_version", "rdp"):
            fail("rdp: ntlm.os_version empty")
        s = service(d, "tcp", 3389, "rdp")
        if s["name"] != "rdp" or not (s["banner"] or "").startswith("RDP hybrid NT "):
            fail(f"rdp: service {s}")
else:
    print("lan-banner: no freerdp-shadow-cli or Xvfb: RDP not checked", file=sys.stderr)

# nothing but the stations
known = {"02:62:61:6e:00:%02x" % k for k in range(1, 8)}
for mac in devs:
    if mac not in known:
        fail(f"a device that is no station: {mac}")

# 9100: the TCP probe's SYN only, never a connection
log = open(sys.argv[3]).read()
if "accepting connection" in log:
    fail("something connected to 9100")

for f in fails:
    print("FAIL:", f, file=sys.stderr)
if fails:
    sys.exit(1)
print(f"lan-banner: all checks passed ({wall} s)", file=sys.stderr)
PY
