#!/usr/bin/env bash
# listen.sh - the daemon's memory benchmark. Not a test: run it by hand
# (or `ninja -C build bench-listen`).
#
# The requirement: `netinv listen` grows by less than 1 MiB over 1,000,000
# passive packets from an unchanged population. A population capture is
# generated once (gen-mixed: 300 stations with ARP, DHCP, mDNS, TCP; a fixed
# seed) and its frames are repeated, as one pcap stream through a pipe, into
# `netinv listen --read -` with the state saved every second and the
# document pushed every second to a local register (tests/push/register.py),
# so the merge, save and push cycles run many times. VmRSS of the daemon is
# read from /proc/PID/status after 100,000 packets, once the first save and
# the first push are done (the first push initialises libcurl and OpenSSL
# once: that step is printed too), and after 1,000,000 packets (the pipe
# holds at most 64 KiB in flight); the growth between the two must be under
# 1 MiB. For information, the same stream through `tcpdump -r - -w
# /dev/null` gives the time ratio.
#
#   tests/bench/listen.sh [-n PACKETS] [-p POPULATION_FRAMES] [-s SEED]
#
#   -n PACKETS  packets fed in all (default 1000000)
#   -p FRAMES   frames of the population capture that is repeated (default 20000)
#   -s SEED     generator seed (default 1)
#
# Exit status: 0 PASS, 1 FAIL, 2 the benchmark could not run.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
out="$here/out"
total=1000000 pop=20000 seed=1

die() { echo "listen.sh: $*" >&2; exit 2; }
while getopts "n:p:s:h" o; do
        case "$o" in
        n) total=$OPTARG ;;
        p) pop=$OPTARG ;;
        s) seed=$OPTARG ;;
        h) sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) exit 2 ;;
        esac
done
[[ $total =~ ^[1-9][0-9]*$ && $pop =~ ^[1-9][0-9]*$ && $seed =~ ^[0-9]+$ ]] || die "bad option value"
(( total >= 200000 )) || die "-n: at least 200000 (the first sample is at 100000)"
mkdir -p "$out"

if [ -n "${NETINV_BIN:-}" ]; then
        netinv=$NETINV_BIN
else
        [ -f "$top/build/build.ninja" ] || meson setup "$top/build" "$top" >/dev/null
        ninja -C "$top/build" netinv tests/bench/gen-mixed >/dev/null
        netinv="$top/build/netinv"
fi
gen=${NETINV_BENCH_GEN:-$top/build/tests/bench/gen-mixed}
[ -x "$netinv" ] || die "'$netinv': no netinv binary"
[ -x "$gen" ] || die "'$gen': no generator (ninja -C build tests/bench/gen-mixed)"
command -v python3 >/dev/null || die "no python3"

file="$out/population-v$("$gen" -V)-n$pop-s$seed.pcap"
[ -f "$file" ] || "$gen" -n "$pop" -s "$seed" -o "$file" >/dev/null || die "the generator failed"

exec python3 - "$netinv" "$file" "$total" "$here/../push/register.py" <<'PY'
import json, os, shutil, signal, subprocess, sys, tempfile, time

netinv, path, total, register = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
TARGET_KIB = 1024
FIRST = 100000

def die(msg):
    print(f"listen.sh: {msg}", file=sys.stderr)
    sys.exit(2)

raw = open(path, "rb").read()
header, body = raw[:24], raw[24:]
if header[:4] != b"\xd4\xc3\xb2\xa1":
    die(f"{path}: not a little-endian classic pcap")
# Split the records, so the stream can stop at exact packet counts.
recs, off = [], 0
while off + 16 <= len(body):
    n = int.from_bytes(body[off + 8:off + 12], "little")
    recs.append(body[off:off + 16 + n])
    off += 16 + n
if not recs:
    die("empty population capture")


def chunks(count):
    """The records, repeated, in blocks of about 1 MiB, up to `count` packets."""
    sent, i, buf = 0, 0, []
    size = 0
    while sent < count:
        r = recs[i]
        buf.append(r)
        size += len(r)
        sent += 1
        i = (i + 1) % len(recs)
        if size >= 1 << 20 or sent == count:
            yield b"".join(buf)
            buf, size = [], 0


def feed(p, count, samples=(), warm=None):
    """Write count packets into p.stdin; at each count in samples, read VmRSS
    (at the first one also once warm() holds)."""
    got, sent, marks = {}, 0, sorted(samples)
    cut = [0] + marks + [count]
    for a, b in zip(cut, cut[1:]):
        for c in chunks(b - a):
            p.stdin.write(c)
        sent = b
        if sent in marks:
            p.stdin.flush()
            time.sleep(1.0)      # the daemon reads what is in the pipe
            got[sent] = status(p.pid)
            if warm and sent == marks[0]:
                for _ in range(100):
                    if warm():
                        break
                    time.sleep(0.1)
                else:
                    die("no save and push within 10 s")
                time.sleep(0.5)
                got["warm"] = status(p.pid)
    return got


def status(pid):
    v = {}
    for line in open(f"/proc/{pid}/status"):
        k, _, rest = line.partition(":")
        if k in ("VmRSS", "VmHWM"):
            v[k] = int(rest.split()[0])
    return v


d = tempfile.mkdtemp(prefix="netinv-bench-listen-")
os.chmod(d, 0o755)
procs = []
try:
    ctl = os.path.join(d, "ctl")
    open(ctl, "w").write('{"mode": "ok"}')
    reg = subprocess.Popen([sys.executable, register, "--port-file", os.path.join(d, "port"),
                            "--log", os.path.join(d, "log"), "--control", ctl, "--raw"])
    procs.append(reg)
    for _ in range(200):
        if os.path.exists(os.path.join(d, "port")) and open(os.path.join(d, "port")).read():
            break
        time.sleep(0.05)
    port = open(os.path.join(d, "port")).read().strip()
    cmd = [netinv, "listen", "--read", "-", "--oui", "none", "--state-dir", os.path.join(d, "st"),
           "--save-interval", "1", "--push", f"http://127.0.0.1:{port}/inventory",
           "--push-interval", "1", "-q"]
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stderr=subprocess.PIPE)
    procs.append(p)
    p.stdin.write(header)
    log = os.path.join(d, "log")
    warm = lambda: (os.path.exists(log) and os.path.getsize(log) > 0 and
                    os.path.exists(os.path.join(d, "st", "state.json")))
    s = feed(p, total, samples=(FIRST, total), warm=warm)
    fed = time.perf_counter() - t0 - 2.5        # minus the sampling pauses
    p.stdin.close()
    err = p.stderr.read().decode(errors="replace")
    rc = p.wait()
    if rc != 0:
        die(f"netinv listen: exit {rc}: {err.strip()[-500:]}")
    pushes = sum(1 for _ in open(os.path.join(d, "log")))
    st = json.load(open(os.path.join(d, "st", "state.json")))

    # tcpdump on the same stream, for the time ratio.
    tcpdump_s = None
    if shutil.which("tcpdump"):
        t = subprocess.Popen(["tcpdump", "-r", "-", "-w", "/dev/null"], stdin=subprocess.PIPE,
                             stderr=subprocess.DEVNULL)
        t1 = time.perf_counter()
        t.stdin.write(header)
        feed(t, total)
        t.stdin.close()
        t.wait()
        tcpdump_s = time.perf_counter() - t1
finally:
    for q in procs:
        if q.poll() is None:
            q.terminate()
            q.wait()
    shutil.rmtree(d, True)

cold, a, b = s[FIRST]["VmRSS"], s["warm"]["VmRSS"], s[total]["VmRSS"]
growth = b - a
print("netinv listen memory benchmark")
print(f"  stream   : {os.path.relpath(path)} ({len(recs):,} frames, 300 stations) repeated to "
      f"{total:,} packets, through a pipe")
print(f"  daemon   : {' '.join(os.path.basename(c) if i == 0 else c for i, c in enumerate(cmd))}")
print(f"  cycles   : state saved every 1 s, {pushes} documents pushed; the state holds "
      f"{len(st['devices'])} devices")
print(f"  VmRSS    : {cold:,} KiB after {FIRST:,} packets, {a:,} KiB once the first save and "
      f"push were done ({a - cold:+,} KiB),")
print(f"             {b:,} KiB after {total:,} packets (peak {s[total]['VmHWM']:,} KiB)")
print(f"  growth   : {growth:+,} KiB from {FIRST:,} to {total:,} packets   target < {TARGET_KIB} KiB   "
      f"{'PASS' if growth < TARGET_KIB else 'FAIL'}")
if tcpdump_s:
    print(f"  time     : netinv {fed:.2f} s, tcpdump -r - -w /dev/null {tcpdump_s:.2f} s on the same "
          f"stream: ratio {fed / tcpdump_s:.2f} (for information; netinv reads a pipe record by "
          f"record so its timers run)")
print("RESULT:", "PASS" if growth < TARGET_KIB else "FAIL")
sys.exit(0 if growth < TARGET_KIB else 1)
PY
