#!/bin/sh
# cli.sh - exit codes and messages of `netinv scan` (suite golden).
#
# Exit codes (netinv.8): 0 ok, 1 runtime failure (permission, corrupt or
# truncated input), 2 command-line error. Every error is exactly one line
# on stderr starting with "netinv: ". Live-capture checks only open a
# capture (nothing is sent): a nonexistent interface as root, and "lo" as
# an unprivileged user, where the open must be refused.
set -u

netinv=${NETINV_BIN:?NETINV_BIN is not set}
captures=${NETINV_TEST_CAPTURES:-$(dirname "$0")/../captures}
lab=$captures/lab-30s.pcap
tmp=$(mktemp -d "${TMPDIR:-/tmp}/netinv-cli.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
chmod 755 "$tmp"
fail=0
checks=0

bad() {
        echo "FAIL: $*"
        fail=$((fail + 1))
}

# run NAME WANT_EXIT COMMAND...: stdout to $tmp/out, stderr to $tmp/err.
run() {
        name=$1 want=$2
        shift 2
        checks=$((checks + 1))
        "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
        rc=$?
        if [ "$rc" -ne "$want" ]; then
                bad "$name: exit status $rc, want $want"
                sed 's/^/    /' "$tmp/err"
                return 1
        fi
        return 0
}

# one_line NAME PATTERN: stderr is one "netinv: " line matching PATTERN.
one_line() {
        n=$(wc -l <"$tmp/err")
        if [ "$n" -ne 1 ]; then
                bad "$1: $n lines on stderr, want 1"
                sed 's/^/    /' "$tmp/err"
        elif ! grep -q '^netinv: ' "$tmp/err"; then
                bad "$1: message does not start with 'netinv: ': $(cat "$tmp/err")"
        elif ! grep -q -- "$2" "$tmp/err"; then
                bad "$1: message does not say '$2': $(cat "$tmp/err")"
        fi
}

# is_json NAME FILE [PYTHON-ASSERTION on d]
is_json() {
        python3 - "$2" "${3:-True}" <<'PY' || bad "$1: $2 is not the expected JSON document"
import json, sys
with open(sys.argv[1], encoding="utf-8") as f:
    d = json.load(f)
assert d["schema"] == "netinv/1", d.get("schema")
assert eval(sys.argv[2]), sys.argv[2]
PY
}

# Command-line errors: exit 2, one line.
run "unknown option" 2 "$netinv" scan --bogus --read "$lab" && one_line "unknown option" "unknown option '--bogus'"
run "unknown short option" 2 "$netinv" scan -xq --read "$lab" && one_line "unknown short option" "unknown option '-x'"
run "unknown short option last" 2 "$netinv" scan -qx --read "$lab" && one_line "unknown short option last" "unknown option '-x'"
run "missing value" 2 "$netinv" scan --read && one_line "missing value" "needs a value"
run "unknown format" 2 "$netinv" scan --read "$lab" --format xml && one_line "unknown format" "format 'xml'"
run "bad duration" 2 "$netinv" scan lo --duration 0 && one_line "bad duration" "duration"
run "bad max-devices" 2 "$netinv" scan --read "$lab" --max-devices 0 && one_line "bad max-devices" "max-devices"
run "interface and file" 2 "$netinv" scan lo --read "$lab" && one_line "interface and file" "not both"
run "nothing to read" 2 "$netinv" scan && one_line "nothing to read" "no interface given"
run "unknown command" 2 "$netinv" frobnicate && one_line "unknown command" "unknown command"
run "missing file" 2 "$netinv" scan --read "$tmp/does-not-exist.pcap" --oui none &&
        one_line "missing file" "no such file"
run "missing OUI file" 2 "$netinv" scan --read "$lab" --oui "$tmp/no-oui.csv" &&
        one_line "missing OUI file" "OUI"
[ -s "$tmp/out" ] && bad "missing OUI file: wrote a result anyway"

# Help and version go to stdout and succeed.
run "help" 0 "$netinv" scan --help && grep -q '^usage: netinv scan' "$tmp/out" ||
        bad "help: no usage on stdout"
run "version" 0 "$netinv" --version && grep -q '^netinv [0-9]' "$tmp/out" ||
        bad "version: no version on stdout"

# Input that is not a capture: exit 1, one line, nothing on stdout.
printf 'this is a text file, not a capture\n' >"$tmp/corrupt.pcap"
run "corrupt capture" 1 "$netinv" scan --read "$tmp/corrupt.pcap" --oui none &&
        one_line "corrupt capture" "not a readable pcap"
[ -s "$tmp/out" ] && bad "corrupt capture: wrote a result anyway"
: >"$tmp/empty.pcap"
run "empty capture" 1 "$netinv" scan --read "$tmp/empty.pcap" --oui none &&
        one_line "empty capture" "empty.pcap"

# A capture cut in the middle of a frame: what was read is still written,
# with one line saying what happened, and exit 1.
head -c 1000 "$lab" >"$tmp/truncated.pcap"
run "truncated capture" 1 "$netinv" scan --read "$tmp/truncated.pcap" --oui none --format json &&
        one_line "truncated capture" "truncated"
is_json "truncated capture" "$tmp/out" \
        'd["scan"]["packets_seen"] == 4 and "50:c7:bf:00:00:01" in [x["mac"] for x in d["devices"]]'

# -o FILE writes the file (JSON by default), nothing on stdout.
run "output file" 0 "$netinv" scan --read "$lab" --oui none -o "$tmp/result.json" &&
        [ ! -s "$tmp/out" ] && [ ! -s "$tmp/err" ] || bad "output file: wrote to stdout or stderr"
is_json "output file" "$tmp/result.json" 'd["scan"]["packets_seen"] == 89 and len(d["devices"]) >= 7'
run "output file csv" 0 "$netinv" scan --read "$lab" --oui none -f csv -o "$tmp/result.csv"
head -n 1 "$tmp/result.csv" | grep -q '^mac,vendor,ipv4' || bad "output file csv: no CSV header"
run "output dir missing" 1 "$netinv" scan --read "$lab" --oui none -o "$tmp/no/such/dir.json" &&
        one_line "output dir missing" "cannot write"

# Not a terminal: JSON by default; the formats asked for are honoured.
run "default format" 0 "$netinv" scan --read "$lab" --oui none
is_json "default format" "$tmp/out" 'd["scan"]["file"].endswith("lab-30s.pcap")'
run "ndjson" 0 "$netinv" scan --read "$lab" --oui none --format ndjson
python3 - "$tmp/out" <<'PY' || bad "ndjson: not one JSON object per line"
import json, sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
assert len(lines) >= 7, len(lines)
for line in lines:
    d = json.loads(line)
    assert isinstance(d, dict) and "mac" in d and "scan_id" in d
PY
run "table" 0 "$netinv" scan --read "$lab" --oui none --format table
grep -q '^MAC ' "$tmp/out" && grep -q '89 packets' "$tmp/out" || bad "table: no header or summary"
# Standard input as the capture.
run "stdin" 0 sh -c 'exec "$1" scan --read - --oui none <"$2"' sh "$netinv" "$lab"
is_json "stdin" "$tmp/out" 'd["scan"]["packets_seen"] == 89'

# Live capture. As root: an interface that does not exist (exit 2). As an
# unprivileged user (nobody, when we are root): refused (exit 1).
if [ "$(id -u)" -eq 0 ]; then
        run "no such interface" 2 "$netinv" scan nx-netinv0 --passive --oui none -d 1 &&
                one_line "no such interface" "no such interface"
        if command -v setpriv >/dev/null 2>&1; then
                run "live as non-root" 1 setpriv --reuid=65534 --regid=65534 --clear-groups \
                        "$netinv" scan lo --passive --oui none -d 1 &&
                        one_line "live as non-root" "needs root or CAP_NET_RAW"
        else
                echo "skip: live as non-root (no setpriv)"
        fi
else
        echo "skip: no such interface (needs root: without it the open is refused first)"
        run "live as non-root" 1 "$netinv" scan lo --passive --oui none -d 1 &&
                one_line "live as non-root" "needs root or CAP_NET_RAW"
fi

# End of life: the avahi capture has a Mac announcing macOS 12 (osxvers=21),
# past its end of life on 2026-11-23 but not on 2023-06-01. --fail-on-eol
# turns that into exit 3; without it the scan succeeds.
avahi="$captures/mdns-avahi.pcap"
run "past end of life" 0 "$netinv" scan --read "$avahi" --oui none --as-of 2026-11-23 -f json &&
        python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); v=[x["eol"] for x in d["devices"] if x.get("os",{}).get("family")=="macOS"]; assert v and v[0]["product"]=="macos" and v[0]["cycle"]=="12" and v[0]["status"]=="eol", v' "$tmp/out" ||
        bad "past end of life: the Mac is not judged macOS 12, eol"
run "--fail-on-eol" 3 "$netinv" scan --read "$avahi" --oui none --as-of 2026-11-23 --fail-on-eol -f json
run "--fail-on-eol before the date" 0 "$netinv" scan --read "$avahi" --oui none --as-of 2023-06-01 --fail-on-eol -f json
run "--as-of not a date" 2 "$netinv" scan --read "$avahi" --as-of 2026-13-01 && one_line "--as-of" "--as-of"
run "table summary" 0 "$netinv" scan --read "$avahi" --oui none --as-of 2026-11-23 -f table --color never &&
        grep -q "^1 past end of life" "$tmp/out" || bad "table summary: no end-of-life count"

echo "$checks commands, $fail failures"
[ "$fail" -eq 0 ]
