#!/bin/bash
# active.sh - the ARP sweep against arp-scan and nmap on namespace LANs (a benchmark, not a
# test: run by hand as root; see README.md, "Active sweep").
#
#   /24   254 peers, each in its own namespace on a bridge (tests/lan/active-lib.sh nia_lan),
#         scanner 198.18.0.1/16, peers 198.18.1.1-254. Every tool sweeps 198.18.1.0/24:
#         arp-scan -I lan0 198.18.1.0/24 (its defaults), nmap -sn -PR -n -e lan0 198.18.1.0/24,
#         netinv scan lan0 --probes arp --range 198.18.1.0/24 (the sweep alone, at its defaults).
#         Target: netinv finds 254 and takes at most half of arp-scan's wall time.
#   /19   one namespace with 4096 addresses on one interface (nia_multi), the same scanner;
#         every tool sweeps 198.18.0.0/19 (8192 addresses).
#         Target: netinv finds 4096 and takes at most half of nmap's wall time.
#   /16   netinv scan lan0 (its own subnet, 65534 addresses) on the same layout: time, rate.
#
# Reported per tool: addresses found (recall), wall time (median of RUNS, whole process),
# frames the scanner's lan0 sent. netinv's count is "answered" from its -v summary (on the
# /19 layout all 4096 addresses share one MAC, so they are one device flagged arp.proxy).
# Usage: tests/bench/active.sh [24] [19] [16]   (the parts to run; default all three)
# Environment: RUNS (default 3), NETINV_BIN (default build/netinv).
# Exit: 0 every target met, 1 one missed, 2 the benchmark could not run.
set -u
RUNS=${RUNS:-3}
PARTS=" ${*:-24 19 16} "
skip() { echo "bench-active: cannot run: $*" >&2; exit 2; }
[[ $(id -u) -eq 0 ]] || skip "needs root"
for p in ip nsenter flock arp-scan nmap python3 bc; do
        PATH=$PATH:/usr/sbin:/sbin command -v "$p" >/dev/null 2>&1 || skip "needs $p"
done
here=$(dirname "$(readlink -f "$0")")
NETINV_BIN=${NETINV_BIN:-$here/../../build/netinv}
[[ -x $NETINV_BIN ]] || skip "no netinv at $NETINV_BIN (NETINV_BIN=...)"
NIA_BASE=1     # peers from 198.18.1.1 (read by active-lib.sh)
export NIA_BASE
# shellcheck source=tests/lan/active-lib.sh
. "$here/../lan/active-lib.sh"
nia_init

# run TOOL RANGE: one timed run in nia-scan; prints "found seconds frames".
run() {
        local tool=$1 range=$2 t0 t1 tx0 tx1 found out=$NIA_TMP/run.out err=$NIA_TMP/run.err
        tx0=$(nia_tx scan)
        t0=$(date +%s.%N)
        case $tool in
        arp-scan) nia_exec scan arp-scan -q -I lan0 "$range" >"$out" 2>"$err" ;;
        nmap) nia_exec scan nmap -sn -PR -n -e lan0 "$range" >"$out" 2>"$err" ;;
        netinv) nia_exec scan "$NETINV_BIN" scan lan0 --probes arp -q -v -f json -o /dev/null \
                        ${range:+--range "$range"} >"$out" 2>"$err" ;;
        esac
        t1=$(date +%s.%N)
        tx1=$(nia_tx scan)
        case $tool in
        arp-scan) found=$(grep -E '^198\.18\.[0-9]+\.[0-9]+'$'\t' "$out" | cut -f1 | sort -u | wc -l) ;;
        nmap) found=$(sed -n 's/.*(\([0-9]*\) hosts\{0,1\} up).*/\1/p' "$out") ;;
        netinv) found=$(sed -n 's/.* \([0-9]*\) answered,.*/\1/p' "$err") ;;
        esac
        echo "${found:-0} $(echo "$t1 - $t0" | bc) $((tx1 - tx0))"
}

# bench TOOL RANGE: RUNS runs; prints "found median_seconds frames" (of the median run).
bench() {
        local i
        for ((i = 0; i < RUNS; i++)); do run "$1" "$2"; done | sort -k2 -g | sed -n "$(((RUNS + 1) / 2))p"
}

declare -A R
report() {      # report LABEL TOOL RANGE
        local r
        r=$(bench "$2" "$3")
        R[$1.$2]=$r
        read -r f s p <<<"$r"
        printf '%-5s %-9s found %5s   %7.3f s   %6s frames\n' "$1" "$2" "$f" "$s" "$p"
}

fail=0
target() {      # target WHAT CONDITION
        if eval "$2"; then echo "target met: $1"; else echo "TARGET MISSED: $1"; fail=1; fi
}

echo "bench-active: $RUNS runs each, medians; netinv $("$NETINV_BIN" --version)"
if [[ $PARTS == *" 24 "* ]]; then
nia_lan 254 198.18.0.1/16 16
sleep 1
for tool in arp-scan nmap netinv; do report /24 "$tool" 198.18.1.0/24; done
read -r nf ns _ <<<"${R[/24.netinv]}"
read -r af as _ <<<"${R[/24.arp-scan]}"
read -r mf _ _ <<<"${R[/24.nmap]}"
((af == 254 && mf == 254)) || { echo "arp-scan found $af, nmap $mf: the LAN is broken"; exit 2; }
target "/24: netinv finds 254 (found $nf)" "((nf == 254))"
target "/24: netinv $ns s <= half of arp-scan's $as s" "[[ \$(echo '$ns * 2 <= $as' | bc) -eq 1 ]]"
nia_remove_namespaces
fi

[[ $PARTS == *" 19 "* || $PARTS == *" 16 "* ]] && nia_multi 4096 198.18.0.1/16 16 && sleep 1
if [[ $PARTS == *" 19 "* ]]; then
for tool in arp-scan nmap netinv; do report /19 "$tool" 198.18.0.0/19; done
read -r nf ns _ <<<"${R[/19.netinv]}"
read -r af _ _ <<<"${R[/19.arp-scan]}"
read -r mf ms _ <<<"${R[/19.nmap]}"
((af == 4096 && mf == 4096)) || { echo "arp-scan found $af, nmap $mf: the LAN is broken"; exit 2; }
target "/19: netinv finds 4096 (found $nf)" "((nf == 4096))"
target "/19: netinv $ns s <= half of nmap's $ms s" "[[ \$(echo '$ns * 2 <= $ms' | bc) -eq 1 ]]"
fi

if [[ $PARTS == *" 16 "* ]]; then
        r=$(run netinv "")
        read -r f s p <<<"$r"
        printf '/16   netinv    found %5s   %7.3f s   %6s frames   %.0f frames/s (its own subnet, 65533 addresses)\n' \
                "$f" "$s" "$p" "$(echo "$p / $s" | bc -l)"
fi
exit $fail
