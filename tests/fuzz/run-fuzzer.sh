#!/bin/sh
# run-fuzzer.sh FUZZER CORPUS SECONDS - run a libFuzzer binary for a fixed
# time, starting from the seed corpus. New inputs go to a scratch directory
# (the repository's corpus changes only by hand); a crash fails the test and
# leaves its input in the scratch directory named in the output.
set -eu
fuzzer=$1 corpus=$2 secs=$3
work=$(mktemp -d "${TMPDIR:-/tmp}/netinv-fuzz.XXXXXX")
trap 'rm -rf "$work/new"' EXIT
mkdir -p "$work/new"
cd "$work"
# libFuzzer reports a crash with exit status 77 by default, which meson
# would count as "skipped": a crash must fail the test. A fixed seed
# (NETINV_FUZZ_SEED, default 1) keeps a CI run repeatable.
exec "$fuzzer" -max_total_time="$secs" -timeout=10 -rss_limit_mb=1024 \
    -error_exitcode=1 -timeout_exitcode=1 -seed="${NETINV_FUZZ_SEED:-1}" \
    -artifact_prefix="$work/" -print_final_stats=1 "$work/new" "$corpus"
