#!/bin/sh
# identify-scan.sh - what identification and end-of-life verdicts add to a whole scan:
# `netinv scan --read CAPTURE` of 65,536 devices x ~21 observations (made by
# gen-identify.py from the real strings of tests/data/identify-cases.tsv), with and without
# --no-identify, each run RUNS times (default 3); the medians of wall time, CPU time
# (user+sys) and peak RSS (/usr/bin/time -v) and their differences, PASS/FAIL against the
# issue's budget (no more than 1 s and 32 MiB added), judged on CPU time, as identify.sh
# does: the machines are shared and wall time there mostly measures the neighbours (it is
# printed too). Not a test: run by hand.
#
#   tests/bench/identify-scan.sh [DEVICES [RUNS [FORMATS]]]    (FORMATS default "csv json")
#   NETINV_BIN=build/netinv tests/bench/identify-scan.sh
#
# Two output formats, because they measure different things: with csv (one line per
# device, with os and eol columns) the difference is identification and the verdicts;
# with json it also includes putting each device's os (with its evidence) and eol objects
# into the document, which the JSON writer builds whole in memory before printing it.
# The capture goes to a temporary directory (about 45 MB for 65,536 devices), removed at
# exit; the output to a file there, not the terminal.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
bin=${NETINV_BIN:-$top/build/netinv}
devices=${1:-65536}
runs=${2:-3}
formats=${3:-csv json}
[ -x "$bin" ] || { echo "identify-scan.sh: $bin not built (ninja -C build)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "identify-scan.sh: needs /usr/bin/time (GNU time)" >&2; exit 1; }
export NETINV_DATA_DIR="${NETINV_DATA_DIR:-$top/data}"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/netinv-idscan.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
python3 "$top/tests/bench/gen-identify.py" "$tmp/cap.pcap" "$devices" >&2

# one VARIANT FORMAT ARGS...: run the scan once, append "wall cpu rss_kib" to $tmp/VARIANT
one() {
        v=$1 fmt=$2
        shift 2
        /usr/bin/time -v -o "$tmp/time" "$bin" scan --read "$tmp/cap.pcap" --as-of 2026-11-23 \
                --oui none -q -f "$fmt" -o "$tmp/out.$fmt" "$@"
        awk -F': ' '
                /Elapsed \(wall clock\)/ { n = split($2, t, ":"); w = 0
                                           for (i = 1; i <= n; i++) w = w * 60 + t[i] }
                /User time/ { u = $2 } /System time/ { s = $2 }
                /Maximum resident set size/ { r = $2 }
                END { printf "%.3f %.3f %d\n", w, u + s, r }' "$tmp/time" >> "$tmp/$v"
}

median() { # FILE COLUMN
        cut -d' ' -f"$2" "$1" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'
}

# The identified document: every device there, most of them with a family.
check_json() {
        python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))["devices"]
named = sum(1 for x in d if (x.get("os") or {}).get("family"))
judged = sum(1 for x in d if (x.get("eol") or {}).get("status") not in (None, "unknown"))
print(f"identified run: {len(d)} devices, {named} with a family, {judged} with an eol verdict",
      file=sys.stderr)
if len(d) != int(sys.argv[2]) or named < len(d) // 2:
    sys.exit("identify-scan.sh: the capture did not give the devices it should")
' "$1" "$devices"
}

fails=0
for fmt in $formats; do
        rm -f "$tmp/plain" "$tmp/ident"
        i=0
        while [ "$i" -lt "$runs" ]; do
                # alternate, so that load on the machine falls on both alike
                one plain "$fmt" --no-identify
                one ident "$fmt"
                i=$((i + 1))
        done
        [ "$fmt" = json ] && check_json "$tmp/out.json"
        pw=$(median "$tmp/plain" 1) pc=$(median "$tmp/plain" 2) pr=$(median "$tmp/plain" 3)
        iw=$(median "$tmp/ident" 1) ic=$(median "$tmp/ident" 2) ir=$(median "$tmp/ident" 3)
        awk -v d="$devices" -v n="$runs" -v f="$fmt" -v pw="$pw" -v pc="$pc" -v pr="$pr" \
                -v iw="$iw" -v ic="$ic" -v ir="$ir" 'BEGIN {
                dw = iw - pw; dc = ic - pc; dr = (ir - pr) / 1024
                printf "scan --read -f %s, %d devices, median of %d runs:\n", f, d, n
                printf "  --no-identify  %6.2f s wall  %6.2f s CPU  %7.1f MiB peak RSS\n", pw, pc, pr / 1024
                printf "  identify+eol   %6.2f s wall  %6.2f s CPU  %7.1f MiB peak RSS\n", iw, ic, ir / 1024
                printf "  added          %+6.2f s wall  %+6.2f s CPU  %+7.1f MiB   (budget 1 s CPU, 32 MiB)  ", dw, dc, dr
                ok = dc <= 1.0 && dr <= 32
                print (ok ? "PASS" : "FAIL")
                exit !ok }' || fails=$((fails + 1))
done
[ "$fails" -eq 0 ]
