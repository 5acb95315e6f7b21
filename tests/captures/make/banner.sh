#!/bin/sh
# banner.sh - real answers to netinv's active probes, captured from real servers.
#
# Two network namespaces joined by one veth pair, 198.18.40.0/24 only:
#   nhbn-cli  lan0 198.18.40.1  02:4e:48:00:00:01   the clients (ssh, curl, smbclient,
#                                                     snmpget, nmblookup) and tcpdump
#   nhbn-srv  lan0 198.18.40.2  02:4e:48:00:00:02   OpenSSH sshd :22, dropbear :2222,
#                                                     lighttpd :80, smbd :445, nmbd :137,
#                                                     snmpd :161 (community nhbn-secret)
# The servers run in their own mount namespace with tmpfs over /run, /var/lib/samba,
# /var/cache/samba, /var/log/samba and /var/lib/snmp, so their pid and state files
# cannot meet anyone else's; nothing listens in the root namespace. The trap kills the
# server process group and deletes both namespaces, also on failure.
#
# Usage (root): tests/captures/make/banner.sh [OUTDIR]   (default: tests/captures)
# Writes banner-{ssh-openssh,ssh-dropbear,http-lighttpd,smb2-samba,snmp-netsnmp,
# nbns-nmbd}.pcap.
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${1:-$HERE/..}
W=$(mktemp -d /tmp/nhbn.XXXXXX)
CLI=nhbn-cli
SRV=nhbn-srv
SRVPID=
TCPDUMP=

cleanup() {
        set +e
        [ -n "$TCPDUMP" ] && kill "$TCPDUMP" 2>/dev/null
        [ -n "$SRVPID" ] && kill -- "-$SRVPID" 2>/dev/null
        sleep 1
        [ -n "$SRVPID" ] && kill -9 -- "-$SRVPID" 2>/dev/null
        ip netns del $CLI 2>/dev/null
        ip netns del $SRV 2>/dev/null
        rm -rf "$W"
}
trap cleanup EXIT INT TERM

ip netns add $CLI
ip netns add $SRV
ip -n $CLI link add lan0 address 02:4e:48:00:00:01 type veth \
        peer name lan0 netns $SRV address 02:4e:48:00:00:02
for ns in $CLI $SRV; do ip -n $ns link set lo up; ip -n $ns link set lan0 up; done
ip -n $CLI addr add 198.18.40.1/24 dev lan0
ip -n $SRV addr add 198.18.40.2/24 dev lan0

# ---- server configuration ----
ssh-keygen -q -t ed25519 -N '' -f "$W/ssh_host_ed25519_key"
dropbearkey -t ed25519 -f "$W/dropbear_ed25519" >/dev/null
cat > "$W/sshd_config" <<EOC
ListenAddress 198.18.40.2
Port 22
HostKey $W/ssh_host_ed25519_key
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
EOC

mkdir -p "$W/www/admin"
cat > "$W/www/index.html" <<EOC
<!DOCTYPE html>
<html><head><meta charset="utf-8">
<title>
  NHBN   Lab
  Printer  Status
</title></head>
<body><p>Toner: 80%</p></body></html>
EOC
echo 'secret' > "$W/www/admin/index.html"
echo 'admin:nhbn:0123456789abcdef0123456789abcdef' > "$W/htdigest"
cat > "$W/lighttpd.conf" <<EOC
server.modules = ("mod_auth", "mod_authn_file", "mod_redirect", "mod_setenv")
server.document-root = "$W/www"
server.bind = "198.18.40.2"
server.port = 80
server.pid-file = "$W/lighttpd.pid"
server.errorlog = "$W/lighttpd.err"
index-file.names = ("index.html")
mimetype.assign = (".html" => "text/html")
setenv.add-response-header = ("X-Powered-By" => "PHP/8.2.7")
url.redirect = ("^/old$" => "http://198.18.40.2/index.html")
auth.backend = "htdigest"
auth.backend.htdigest.userfile = "$W/htdigest"
auth.require = ("/admin/" => ("method" => "basic", "realm" => "HP LaserJet Pro M404dn",
                              "require" => "valid-user"))
EOC

cat > "$W/smb.conf" <<EOC
[global]
  workgroup = NHBNLAB
  netbios name = NHBN-SRV
  server string = nhbn lab
  server role = standalone server
  interfaces = 198.18.40.2/24
  bind interfaces only = yes
  map to guest = bad user
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
mkdir -p "$W/samba/run" "$W/samba/lock" "$W/samba/state" "$W/samba/cache" \
        "$W/samba/private" "$W/samba/ncalrpc"

cat > "$W/snmpd.conf" <<EOC
agentAddress udp:198.18.40.2:161
rocommunity nhbn-secret 198.18.40.0/24
sysName nhbn-srv
sysLocation nhbn lab rack 1
sysContact lab@nhbn.invalid
EOC
mkdir -p "$W/snmp"

# ---- servers: one process group in the server namespace, private /run etc. ----
setsid ip netns exec $SRV unshare -m sh -c "
        trap 'kill \$(jobs -p) 2>/dev/null; wait' TERM
        for d in /run /var/lib/samba /var/cache/samba /var/log/samba /var/lib/snmp; do
                mount -t tmpfs nhbn \$d
        done
        mkdir -p /run/sshd /run/samba
        /usr/sbin/sshd -D -e -f $W/sshd_config -o PidFile=none &
        dropbear -F -E -s -p 198.18.40.2:2222 -r $W/dropbear_ed25519 -P $W/dropbear.pid &
        lighttpd -D -f $W/lighttpd.conf &
        smbd -F --no-process-group --debug-stdout -s $W/smb.conf &
        nmbd -F --no-process-group --debug-stdout -s $W/smb.conf &
        SNMP_PERSISTENT_DIR=$W/snmp snmpd -f -C -c $W/snmpd.conf -Lf $W/snmpd.log \
                -p $W/snmpd.pid &
        wait" > "$W/servers.log" 2>&1 &
SRVPID=$!
sleep 6          # nmbd registers its names (a few seconds of name claims)

ip netns exec $CLI ss -lntuH | grep -q . && { echo "client namespace listens?" >&2; exit 1; }
ip netns exec $CLI tcpdump -q -n -i lan0 -s 0 -U -w "$W/all.pcap" 2>/dev/null &
TCPDUMP=$!
sleep 1

ip netns exec $SRV ss -lntuH >&2
C="ip netns exec $CLI"
$C ssh -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
        -o ConnectTimeout=3 nhbn@198.18.40.2 true </dev/null >/dev/null 2>&1 || true
$C ssh -p 2222 -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
        -o ConnectTimeout=3 nhbn@198.18.40.2 true </dev/null >/dev/null 2>&1 || true
$C curl -s -I http://198.18.40.2/ >/dev/null
$C curl -s -r 0-4095 http://198.18.40.2/ >/dev/null
$C curl -s -I http://198.18.40.2/admin/ >/dev/null
$C curl -s -I http://198.18.40.2/old >/dev/null
$C smbclient -L //198.18.40.2 -N >/dev/null 2>&1 || true
$C snmpget -v2c -c nhbn-secret -t 2 -r 0 198.18.40.2 \
        1.3.6.1.2.1.1.1.0 1.3.6.1.2.1.1.2.0 1.3.6.1.2.1.1.5.0 >/dev/null || true
$C nmblookup -A 198.18.40.2 >/dev/null || true
sleep 1
kill "$TCPDUMP"; wait "$TCPDUMP" 2>/dev/null || true
TCPDUMP=

# cut FILTER FILE [FRAMES]: the matching frames (the first FRAMES of them) as classic pcap
cut() {
        tshark -r "$W/all.pcap" -Y "$1" -w "$W/cut.pcap" -F pcap
        if [ -n "${3:-}" ]; then editcap -F pcap -r "$W/cut.pcap" "$OUT/$2" "$3"
        else cp "$W/cut.pcap" "$OUT/$2"; fi
        echo "$2: $(tshark -r "$OUT/$2" | wc -l) frames"
}
# SSH: up to the server's KEXINIT (the banner, and what follows it in the stream)
cut 'tcp.port == 22' banner-ssh-openssh.pcap 1-10
cut 'tcp.port == 2222' banner-ssh-dropbear.pcap 1-8
cut 'tcp.port == 80' banner-http-lighttpd.pcap
cut 'tcp.port == 445 && (smb2.cmd == 0 || smb2.cmd == 1)' banner-smb2-samba.pcap
cut 'udp.port == 161' banner-snmp-netsnmp.pcap
cut 'udp.port == 137' banner-nbns-nmbd.pcap
