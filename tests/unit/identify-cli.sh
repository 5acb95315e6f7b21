#!/bin/sh
# identify-cli.sh - `netinv identify` end to end (suite unit): --check on
# the shipped rules, --explain on a real capture, JSON with type and os,
# and the errors an admin meets (a broken rule file names file:line; a
# missing directory; an unknown device). Exit codes as in netinv(8).
set -u
netinv=${NETINV_BIN:?NETINV_BIN is not set}
captures=${NETINV_TEST_CAPTURES:?}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/netinv-identify.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fail=0

bad() {
        echo "FAIL: $*"
        fail=$((fail + 1))
}

# run NAME WANT_EXIT COMMAND...
run() {
        name=$1 want=$2
        shift 2
        "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
        got=$?
        [ "$got" -eq "$want" ] || bad "$name: exit $got, want $want ($(head -c 300 "$tmp/err"))"
}

run "check" 0 "$netinv" identify --check
grep -Eq '^[0-9]+ rules$' "$tmp/out" || bad "check: no rule count"

run "explain" 0 "$netinv" identify --read "$captures/mdns-avahi.pcap" --oui none \
        --explain 00:11:32:00:07:0a
grep -q 'name        macOS 12 Monterey' "$tmp/out" || bad "explain: no macOS 12"
grep -q 'eol lookup  macos 12' "$tmp/out" || bad "explain: no eol lookup"
grep -q '+ mdns-osxvers' "$tmp/out" || bad "explain: no evidence line for mdns-osxvers"

run "json" 0 "$netinv" identify --read "$captures/lab-30s.pcap" --oui none -f json
grep -q '"type":	"printer"' "$tmp/out" || bad "json: no printer"
grep -q '"rule":	"dhcp-udhcp"' "$tmp/out" || bad "json: no evidence rule"

# the document with type and os validates against the published schema
schema=$(dirname "$0")/../../doc/netinv-1.schema.json
if /usr/bin/python3 -c "import jsonschema" 2>/dev/null; then
        /usr/bin/python3 - "$schema" "$tmp/out" <<'PY' || bad "json: does not validate against the schema"
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
doc = json.load(open(sys.argv[2]))
jsonschema.Draft202012Validator(schema).validate(doc)
assert all("os" in d and "type" in d for d in doc["devices"])
PY
fi

run "csv" 0 "$netinv" identify --read "$captures/lab-30s.pcap" --oui none -f csv
grep -q ',iot,"BusyBox 1.35.0"' "$tmp/out" || bad "csv: no type/os cells"

run "unknown device" 1 "$netinv" identify --read "$captures/lab-30s.pcap" --oui none \
        --explain 00:00:5e:00:53:99
[ "$(wc -l <"$tmp/err")" -eq 1 ] || bad "unknown device: not one line"

run "bad mac" 2 "$netinv" identify --read "$captures/lab-30s.pcap" --explain nonsense

mkdir "$tmp/rules"
printf 'rule a\n    match ssh.banner = "x"\n    family X\n    confidence 500\nend\n' \
        >"$tmp/rules/local.rules"
run "broken rules" 1 "$netinv" identify --check --rules-dir "$tmp/rules"
grep -q "local.rules:4: confidence: want a number from 1 to 100" "$tmp/err" ||
        bad "broken rules: no file:line ($(cat "$tmp/err"))"

run "no rules dir" 2 "$netinv" identify --check --rules-dir "$tmp/none"

[ $fail -eq 0 ] || exit 1
echo "identify-cli: all checks passed"
