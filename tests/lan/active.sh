#!/bin/bash
# active.sh - `netinv scan lan0` (probing) on a LAN of 254 peer namespaces and a proxy-ARP
# router (suite lan; needs root, else skipped).
#
# LAN (active-lib.sh): 198.18.0.0/23 on a Linux bridge. Scanner 198.18.1.1; peers h1..h254 at
# 198.18.0.1-254, each in its own namespace with its own MAC; a router nia-px at 198.18.1.2
# answering ARP for 198.18.1.128/25 by proxy ARP. The sweep of the /23 asks 509 addresses.
#
# Checks:
#   --dry-run           prints the plan (509 addresses, at most 1018 packets) and sends nothing
#   safety              --range outside the subnets, or larger than a /16, is refused (exit 2)
#                       and sends nothing; so are bad --rate/--retries/--timeout/--range/
#                       --exclude values and contradictions (--passive --range)
#   the sweep           all 254 peers found with their own MAC and address (arp.alive), in a
#                       few seconds; the scanner sent at most 2 requests per address
#   proxy ARP           the router is one device, flagged arp.proxy, with no arp.alive; no
#                       empty address of its range is marked alive
#   --exclude           an excluded MAC (known to the kernel's ARP table) and an excluded CIDR
#                       are never asked
#   ENOBUFS             the scanner's lan0 behind a tiny tbf queue: sends fail with ENOBUFS,
#                       netinv backs off, still finds all 254 and exits 0
#   no IPv4             the scanner's address removed: no sweep without --range; with
#                       --range --force the requests are RFC 5227 probes (sender 0.0.0.0)
#                       and all 254 peers answer them
# Every netinv run is inside nia-scan, on lan0. The trap deletes every namespace.
set -u

skip() { echo "lan-active: skipped: $*" >&2; exit 77; }
[[ $(id -u) -eq 0 ]] || skip "needs root"
for p in ip nsenter flock python3 sysctl tc; do
        PATH=$PATH:/usr/sbin:/sbin command -v "$p" >/dev/null 2>&1 || skip "needs $p"
done
NETINV_BIN=${NETINV_BIN:?NETINV_BIN is not set}
here=$(dirname "$(readlink -f "$0")")
# shellcheck source=tests/lan/active-lib.sh
. "$here/active-lib.sh"
nia_init

fail=0
chk() {
        if eval "$2"; then echo "ok: $1"; else echo "FAIL: $1"; fail=$((fail + 1)); fi
}
# The ARP sweep alone (--probes arp): the other probes have their own tests (full.sh, ...).
netinv() { nia_exec scan "$NETINV_BIN" "$1" --probes arp "${@:2}"; }

t0=$(date +%s.%N)
nia_lan 254 198.18.1.1/23 23
nia_proxy 198.18.1.2/23 198.18.1.128/25
echo "lan-active: LAN of 254 peers and a proxy up in $(echo "$(date +%s.%N) - $t0" | bc) s"

# --dry-run: the plan, nothing sent.
tx0=$(nia_tx scan)
netinv scan lan0 --dry-run >"$NIA_TMP/plan" 2>"$NIA_TMP/plan.err"
rc=$?
chk "dry-run exits 0 (got $rc)" "[[ $rc -eq 0 ]]"
chk "dry-run plans 509 addresses" "grep -q '^targets  *509 addresses' '$NIA_TMP/plan'"
chk "dry-run: at most 1018 packets" "grep -q '^packets  *at most 1018' '$NIA_TMP/plan'"
chk "dry-run: the range is the interface's subnet" "grep -q '^ranges  *198.18.0.0/23' '$NIA_TMP/plan'"
# Safety: refused before anything is opened.
netinv scan lan0 --range 198.19.0.0/24 >/dev/null 2>"$NIA_TMP/e1"
rc=$?
chk "--range outside the subnets refused (exit $rc)" "[[ $rc -eq 2 ]] && grep -q outside '$NIA_TMP/e1'"
netinv scan lan0 --range 198.18.0.0/15 --oui none >/dev/null 2>"$NIA_TMP/e2"
rc=$?
chk "--range larger than a /16 refused (exit $rc)" "[[ $rc -eq 2 ]] && grep -q larger '$NIA_TMP/e2'"
# Bad values: exit 2, one line, before anything is opened.
for args in "--rate 0" "--rate 100001" "--retries 11" "--timeout x" "--range 198.18.0.0/33" \
        "--passive --range 198.18.0.0/24" "--exclude nonsense" "--ports 0" "--ports 1-100,x" \
        "--no-arp --no-ipv6 --no-mdns --no-ssdp --no-nbns --no-tcp --no-banner --range 198.18.0.0/24"; do
        # shellcheck disable=SC2086
        netinv scan lan0 $args >/dev/null 2>"$NIA_TMP/e3"
        rc=$?
        chk "'$args' refused (exit $rc, $(wc -l <"$NIA_TMP/e3") line)" \
                "[[ $rc -eq 2 && \$(wc -l <'$NIA_TMP/e3') -eq 1 ]] && grep -q '^netinv: ' '$NIA_TMP/e3'"
done
tx1=$(nia_tx scan)
chk "dry-run and refusals sent nothing ($((tx1 - tx0)) frames)" "[[ $tx1 -eq $tx0 ]]"

# The sweep.
s0=$(date +%s.%N)
netinv scan lan0 --oui none -v -f json -o "$NIA_TMP/out.json" 2>"$NIA_TMP/err"
rc=$?
s1=$(date +%s.%N)
tx2=$(nia_tx scan)
took=$(echo "$s1 - $s0" | bc)
sed 's/^/    /' "$NIA_TMP/err"
chk "scan exits 0 (got $rc)" "[[ $rc -eq 0 ]]"
chk "scan took $took s, under 3 s" "[[ \$(echo '$took < 3' | bc) -eq 1 ]]"
chk "sent $((tx2 - tx1)) frames: at least 509, at most 1018" \
        "[[ $((tx2 - tx1)) -ge 509 && $((tx2 - tx1)) -le 1018 ]]"

check_json() {
        python3 - "$@" <<'PY'
import json, sys
path, what = sys.argv[1], sys.argv[2]
excluded = set(sys.argv[3].split(",")) if len(sys.argv) > 3 and sys.argv[3] else set()
d = json.load(open(path))
devs = {x["mac"]: x for x in d["devices"]}
def alive(x):
    return [o["value"] for o in x["observations"] if o["key"] == "arp.alive"]
def obs(x, key):
    return [o["value"] for o in x["observations"] if o["key"] == key]
bad = []
want = {}
for k in range(1, 255):
    k1 = k - 1
    want["02:4e:49:00:%02x:%02x" % (k // 256, k % 256)] = "198.18.%d.%d" % (k1 // 254, k1 % 254 + 1)
found = 0
for mac, ip in want.items():
    x = devs.get(mac)
    if ip in excluded or mac in excluded:
        if x and alive(x):
            bad.append("excluded %s %s answered: %s" % (mac, ip, alive(x)))
        continue
    if not x:
        bad.append("peer %s %s missing" % (mac, ip))
    elif alive(x) != [ip] or ip not in x["ipv4"]:
        bad.append("peer %s: alive %s ipv4 %s, want %s" % (mac, alive(x), x["ipv4"], ip))
    else:
        found += 1
px = devs.get("02:4e:49:ee:00:01")
if what == "proxy":
    if not px:
        bad.append("proxy router missing")
    else:
        n = obs(px, "arp.proxy")
        if len(n) != 1 or int(n[0]) < 100:
            bad.append("proxy flag: %s" % n)
        if alive(px):
            bad.append("proxy has arp.alive: %s" % alive(px)[:5])
others = [m for m in devs if m not in want and m not in ("02:4e:49:ee:00:01", "02:4e:49:ff:00:01")]
if others:
    bad.append("unexpected devices: %s" % others[:5])
all_alive = [a for x in devs.values() for a in alive(x)]
empty = [a for a in all_alive if a.startswith("198.18.1.")]
if empty:
    bad.append("empty addresses marked alive: %s" % empty[:5])
print("peers found: %d of %d, devices: %d" % (found, len(want) - len(excluded), len(devs)))
for b in bad[:20]:
    print("  " + b)
sys.exit(1 if bad else 0)
PY
}
chk "every peer found with its own address; the proxy is one flagged device" \
        "check_json '$NIA_TMP/out.json' proxy"
chk "verbose summary: 254 alive, 1 proxy" "grep -q ' 254 alive, 1 proxies' '$NIA_TMP/err'"
chk "no progress line when stderr is not a terminal" "! grep -q 'addresses answered' '$NIA_TMP/err'"
if command -v script >/dev/null 2>&1; then
        # On a terminal (script(1) gives it one): a progress line, rewritten in place.
        script -qec "nsenter --net=/run/netns/$(nia_ns scan) $NETINV_BIN scan lan0 --probes arp --oui none \
                -o $NIA_TMP/tty.json" "$NIA_TMP/typescript" >/dev/null 2>&1 9<&-
        chk "a progress line on a terminal" \
                "tr '\\r' '\\n' <'$NIA_TMP/typescript' | grep -aq '^netinv: ARP sweep: [0-9]* of 509 addresses answered'"
fi

# --exclude: peer 5 by MAC (the kernel knows it after one ping), peers 10 and 11 by CIDR.
nia_exec scan ping -c 1 -W 1 198.18.0.5 >/dev/null
netinv scan lan0 --exclude 02:4e:49:00:00:05 --exclude 198.18.0.10/31 --dry-run >"$NIA_TMP/plan2"
chk "dry-run with --exclude plans 506 addresses" "grep -q '^targets  *506 addresses' '$NIA_TMP/plan2'"
tx3=$(nia_tx scan)
netinv scan lan0 --oui none -f json -o "$NIA_TMP/excl.json" --exclude 02:4e:49:00:00:05 \
        --exclude 198.18.0.10/31 2>"$NIA_TMP/err3"
rc=$?
tx4=$(nia_tx scan)
chk "scan with --exclude exits 0 (got $rc)" "[[ $rc -eq 0 ]]"
chk "excluded peers never asked; the others all found" \
        "check_json '$NIA_TMP/excl.json' proxy '198.18.0.5,198.18.0.10,198.18.0.11'"
chk "sent $((tx4 - tx3)) frames, at most 1012" "[[ $((tx4 - tx3)) -le 1012 ]]"

# ENOBUFS: a token bucket of ~300 frames/s with a queue of ~20 frames behind the scanner's
# lan0. Sends beyond it fail with ENOBUFS; netinv must back off and go on, never abort.
nia_exec scan tc qdisc add dev lan0 root tbf rate 100kbit burst 1600 limit 1200
netinv scan lan0 --oui none -v -f json -o "$NIA_TMP/enobufs.json" 2>"$NIA_TMP/err4"
rc=$?
nia_exec scan tc qdisc del dev lan0 root
sed 's/^/    /' "$NIA_TMP/err4"
chk "ENOBUFS: scan exits 0 (got $rc)" "[[ $rc -eq 0 ]]"
nb=$(sed -n 's/.* \([0-9][0-9]*\) ENOBUFS back-offs.*/\1/p' "$NIA_TMP/err4")
chk "ENOBUFS: the sender backed off (${nb:-?} times)" "[[ ${nb:-0} -gt 0 ]]"
chk "ENOBUFS: every peer still found" "check_json '$NIA_TMP/enobufs.json' proxy"

# No IPv4 address on the scanner: no sweep by default (a warning, then listening); with
# --range (outside every subnet it has, so --force) it asks as RFC 5227 probes, sender
# 0.0.0.0, and the peers answer those too.
nia_exec scan ip addr flush dev lan0
netinv scan lan0 --dry-run >"$NIA_TMP/plan3" 2>"$NIA_TMP/e4"
chk "no IPv4: nothing to sweep, said once" \
        "grep -q '^targets  *0 addresses' '$NIA_TMP/plan3' && grep -q 'no IPv4 address' '$NIA_TMP/e4'"
netinv scan lan0 --range 198.18.0.0/24 >/dev/null 2>"$NIA_TMP/e5"
rc=$?
chk "no IPv4: --range without --force refused (exit $rc)" "[[ $rc -eq 2 ]]"
netinv scan lan0 --range 198.18.0.0/24 --force --oui none -f json -o "$NIA_TMP/probe.json" \
        --exclude 198.18.0.0/32 --exclude 198.18.0.255/32 2>"$NIA_TMP/e6"
rc=$?
chk "no IPv4: RFC 5227 probe sweep exits 0 (got $rc)" "[[ $rc -eq 0 ]]"
chk "no IPv4: every peer answered the probes" "check_json '$NIA_TMP/probe.json' noproxy"
chk "no IPv4: our own probes are not observations of the scanner" \
        "! grep -q '\"arp.probe\"' '$NIA_TMP/probe.json'"

if ((fail)); then
        echo "lan-active: $fail checks FAILED"
        exit 1
fi
echo "lan-active: all checks passed"
