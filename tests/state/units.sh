#!/usr/bin/env bash
# units.sh - the systemd units in contrib/systemd are valid: systemd-analyze
# verify (it needs no systemd as PID 1) reports nothing about them, with
# ExecStart pointed at the netinv just built; and every ExecStart's options
# are accepted by that netinv (run with --help appended, the example config
# in place of /etc/netinv/netinv.conf). Skipped (77) without systemd-analyze.
set -euo pipefail
netinv=${NETINV_BIN:?NETINV_BIN is not set}
here=$(cd "$(dirname "$0")" && pwd)
top="$here/../.."
command -v systemd-analyze >/dev/null || { echo "units: skipped: no systemd-analyze" >&2; exit 77; }
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
fail() { echo "state-units: FAIL: $*" >&2; exit 1; }

units=("$top"/contrib/systemd/*.service "$top"/contrib/systemd/*.timer)
(( ${#units[@]} >= 3 )) || fail "fewer units than expected: ${units[*]}"
for u in "${units[@]}"; do
        sed "s|/usr/sbin/netinv|$netinv|g" "$u" >"$d/$(basename "$u")"
done
# Unknown keys and bad values are only warnings (exit 0): any output fails.
rc=0
( cd "$d" && systemd-analyze verify --man=no ./*.service ./*.timer ) >"$d/out" 2>&1 || rc=$?
[[ $rc == 0 && ! -s $d/out ]] || fail "systemd-analyze verify: exit $rc: $(cat "$d/out")"

# A unit with a mistake is caught (the check can fail).
sed 's/^Type=.*/Type=simpel/' "$d/netinv-listen.service" >"$d/broken.service"
( cd "$d" && systemd-analyze verify --man=no ./broken.service ) >"$d/out" 2>&1 || true
grep -q "simpel" "$d/out" || fail "a broken unit passed: $(cat "$d/out")"
rm "$d/broken.service"

n=0
for u in "$d"/*.service; do
        line=$(sed -n 's/^ExecStart=//p' "$u")
        [[ -n $line ]] || continue
        read -r -a argv <<<"${line//\/etc\/netinv\/netinv.conf/$top/contrib/netinv.conf.example}"
        "${argv[@]}" --help >/dev/null 2>"$d/err" || fail "$(basename "$u"): '$line --help': $(cat "$d/err")"
        n=$((n + 1))
done
(( n >= 2 )) || fail "only $n ExecStart lines checked"
echo "state-units: ${#units[@]} units verified, $n ExecStart command lines accepted"
