#!/bin/sh
# identify.sh - the identification benchmark (see identify.c): 65,536
# devices x 20 observations through identify_inventory(), time and memory.
# Not a test: run by hand, or `ninja -C build bench-identify`.
#
#   tests/bench/identify.sh [DEVICES [OBS_PER_DEVICE [IDENTITY_OBS]]]
#   (defaults 65536 20 6; "65536 20 20": every observation an identity string)
#   NETINV_BENCH_IDENTIFY=/path/to/bench-identify tests/bench/identify.sh
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
bin=${NETINV_BENCH_IDENTIFY:-$top/build/tests/bench/bench-identify}
if [ ! -x "$bin" ]; then
        echo "identify.sh: $bin not built (ninja -C build)" >&2
        exit 1
fi
exec "$bin" "$top/tests/data/identify-cases.tsv" "$top/data/identify" "${1:-65536}" "${2:-20}" "${3:-6}"
