#!/bin/sh
# push.sh - benchmark: pushing the document of a 10,000-device scan.
# Target (issue 6): under 1 s on loopback and under 10 MiB on the wire.
#
#   tests/bench/push.sh [BUILD_DIR] [DEVICES]      (default: build, 10000)
#
# Builds the document (gen-push-doc.py: copies of the devices netinv found
# in the test captures, each with its own MAC, addresses and names), starts
# the test register (tests/push/register.py) over HTTPS with a private CA
# made here, and times `netinv push --add DOC` (queue: write, fsync; then
# parse, gzip, POST) for the JSON and the GLPI format, three runs each.
# Loopback only; everything it made is removed on exit. A benchmark, not a
# test: it prints numbers and exits 1 only when a target is missed.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$top/build}
n=${2:-10000}
netinv=$build/netinv
py=python3
work=$(mktemp -d "${TMPDIR:-/tmp}/netinv-bench-push.XXXXXX")
regpid=
cleanup() {
        [ -n "$regpid" ] && kill "$regpid" 2>/dev/null
        rm -rf "$work"
}
trap cleanup EXIT INT TERM

i=0
for cap in lldp-lldpd cdp-lldpd mdns-avahi ssdp-minidlna dhcp-dhclient lab-30s ndp-ra; do
        "$netinv" scan --read "$top/tests/captures/$cap.pcap" --format json --oui none >"$work/t$i.json"
        i=$((i + 1))
done
$py "$top/tests/bench/gen-push-doc.py" "$n" "$work/doc.json" "$work"/t*.json
size=$(wc -c <"$work/doc.json")

( cd "$work"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout ca.key \
      -out ca.pem -days 1 -subj /CN=bench-ca
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout srv.key \
      -out srv.csr -subj /CN=127.0.0.1
  printf 'subjectAltName=IP:127.0.0.1\n' >srv.ext
  openssl x509 -req -in srv.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out srv.pem \
      -days 1 -extfile srv.ext ) >/dev/null 2>&1
echo '{"mode":"ok"}' >"$work/control"
$py "$top/tests/push/register.py" --port-file "$work/port" --log "$work/log" \
        --control "$work/control" --raw --cert "$work/srv.pem" --key "$work/srv.key" &
regpid=$!
while [ ! -s "$work/port" ]; do sleep 0.05; done
url="https://127.0.0.1:$(cat "$work/port")/"

echo "document: $n devices, $size bytes"
fail=0
for fmt in json glpi; do
        for run in 1 2 3; do
                rm -rf "$work/spool" "$work/log"
                t0=$(date +%s.%N)
                "$netinv" push -q --add "$work/doc.json" --spool "$work/spool" --url "$url" \
                        --ca-file "$work/ca.pem" --format "$fmt" --agent-id bench --site bench
                t1=$(date +%s.%N)
                wire=$($py -c 'import json,sys; print(sum(json.loads(l).get("wire",0) for l in open(sys.argv[1])))' "$work/log")
                reqs=$(wc -l <"$work/log")
                secs=$(echo "$t1 - $t0" | bc)
                printf '%-5s run %d: %6.3f s  %9d bytes on the wire (%d requests, %.1f:1)\n' \
                        "$fmt" "$run" "$secs" "$wire" "$reqs" "$(echo "$size / $wire" | bc -l)"
                if [ "$fmt" = json ]; then
                        [ "$(echo "$secs < 1" | bc)" = 1 ] || fail=1
                        [ "$wire" -lt $((10 * 1024 * 1024)) ] || fail=1
                fi
        done
done
[ $fail = 0 ] && echo "targets met (JSON: < 1 s, < 10 MiB)" || echo "TARGET MISSED"
exit $fail
