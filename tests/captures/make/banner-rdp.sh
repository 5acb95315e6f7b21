#!/bin/sh
# banner-rdp.sh - a real RDP NLA (CredSSP) answer: what FreeRDP's shadow
# server sends back inside TLS when a client offers an NTLMSSP NEGOTIATE.
#
# Two namespaces on one veth pair, 198.18.41.0/24 only:
#   nhbn-rcli  lan0 198.18.41.1  02:4e:48:00:01:01   the client (python3, below)
#   nhbn-rsrv  lan0 198.18.41.2  02:4e:48:00:01:02   Xvfb :77 and freerdp-shadow-cli
#                                                     /sec:nla on 3389
# The server runs in its own mount namespace (tmpfs over /tmp/.X11-unix and
# HOME in a scratch directory), in one process group the trap kills.
#
# The client speaks MS-RDPBCGR §2.2.1.1 (X.224 Connection Request asking for
# PROTOCOL_HYBRID), then TLS, then sends a TSRequest (MS-CSSP §2.2.1) whose
# negoToken is the NTLMSSP NEGOTIATE smbclient sends, and writes the server's
# TSRequest - decrypted, as it came out of TLS - to
# OUTDIR/rdp-credssp-freerdp.bin (and the X.224 Connection Confirm to
# rdp-x224-confirm-freerdp.bin).
# Usage (root): tests/captures/make/banner-rdp.sh [OUTDIR]  (default: tests/data/responses)
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${1:-$HERE/../../data/responses}
mkdir -p "$OUT"
W=$(mktemp -d /tmp/nhbn-rdp.XXXXXX)
CLI=nhbn-rcli
SRV=nhbn-rsrv
SRVPID=

cleanup() {
        set +e
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
ip -n $CLI link add lan0 address 02:4e:48:00:01:01 type veth \
        peer name lan0 netns $SRV address 02:4e:48:00:01:02
for ns in $CLI $SRV; do ip -n $ns link set lo up; ip -n $ns link set lan0 up; done
ip -n $CLI addr add 198.18.41.1/24 dev lan0
ip -n $SRV addr add 198.18.41.2/24 dev lan0

# SAM file: user:domain:LM hash:NT hash (NT hash of "nhbn-pass"; never used)
echo 'nhbn:NHBNLAB::0cb6948805f797bf2a82807973b89537:::' > "$W/sam"

setsid ip netns exec $SRV unshare -m sh -c "
        trap 'kill \$(jobs -p) 2>/dev/null; wait' TERM
        mount -t tmpfs nhbn /tmp/.X11-unix 2>/dev/null || { mkdir -p /tmp/.X11-unix; mount -t tmpfs nhbn /tmp/.X11-unix; }
        export HOME=$W XDG_CONFIG_HOME=$W/config
        Xvfb :77 -nolisten tcp -screen 0 640x480x24 &
        sleep 2
        DISPLAY=:77 freerdp-shadow-cli /bind-address:198.18.41.2 /port:3389 /sec:nla \
                /sam-file:$W/sam +auth &
        wait" > "$W/servers.log" 2>&1 &
SRVPID=$!
sleep 5
ip netns exec $SRV ss -lntH >&2

ip netns exec $CLI python3 - "$OUT" <<'PY'
import socket, ssl, sys
out = sys.argv[1]
s = socket.create_connection(("198.18.41.2", 3389), timeout=5)
# TPKT + X.224 CR + RDP_NEG_REQ(PROTOCOL_SSL | PROTOCOL_HYBRID)
s.sendall(bytes.fromhex("030000130ee00000000000") +
          bytes.fromhex("0100080003000000"))
cc = s.recv(4096)
open(out + "/rdp-x224-confirm-freerdp.bin", "wb").write(cc)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
t = ctx.wrap_socket(s)
ntlm = bytes.fromhex("4e544c4d5353500001000000158208620000000028000000"
                     "000000002800000006010000000000" "0f")
tok = b"\x04" + bytes([len(ntlm)]) + ntlm
tok = b"\xa0" + bytes([len(tok)]) + tok
tok = b"\x30" + bytes([len(tok)]) + tok
tok = b"\x30" + bytes([len(tok)]) + tok
tok = b"\xa1" + bytes([len(tok)]) + tok
body = b"\xa0\x03\x02\x01\x06" + tok
t.sendall(b"\x30" + bytes([len(body)]) + body)
resp = b""
while True:
    try:
        chunk = t.recv(65536)
    except (socket.timeout, ssl.SSLError):
        break
    if not chunk:
        break
    resp += chunk
    if len(resp) >= 2 and resp[0] == 0x30:
        l = resp[1]
        need = 2 + l if l < 0x80 else 2 + (l & 0x7f) + int.from_bytes(resp[2:2 + (l & 0x7f)], "big")
        if len(resp) >= need:
            break
open(out + "/rdp-credssp-freerdp.bin", "wb").write(resp)
print("confirm %d bytes, TSRequest %d bytes" % (len(cc), len(resp)))
PY
