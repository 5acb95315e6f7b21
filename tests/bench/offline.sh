#!/usr/bin/env bash
# offline.sh - netinv's offline throughput benchmark. Not a test: run it by
# hand (tests/bench/README.md says how to read it).
#
# On one generated mixed capture (1,000,000 frames by default: ARP, DHCP,
# mDNS, TCP handshakes, bulk TCP), in ONE run and with the page cache warm,
# times `tcpdump -r FILE -w /dev/null` (the floor: read and copy),
# `p0f -r FILE` and `netinv scan --read FILE` (without and with the OUI
# file), each REPS times in a shuffled order, and prints medians, packets/s,
# peak RSS and the ratios the requirement sets:
#     netinv time / tcpdump time   <= 2.0
#     netinv pps  / p0f pps        >= 4.0
#     netinv peak RSS              <  64 MiB
# Exit status: 0 all targets met, 1 a target missed, 2 the benchmark could
# not run (missing tool, a tool failed, a check did not hold).
#
#   tests/bench/offline.sh [-r REPS] [-n FRAMES] [-s SEED] [-f FILE] [-p]
#
#   -r REPS    repetitions per tool, medians reported (default 3)
#   -n FRAMES  frames in the generated capture (default 1000000)
#   -s SEED    generator seed (default 1)
#   -f FILE    use this capture instead of generating one
#   -p         afterwards, profile netinv with perf and print the hot functions
#
# Environment:
#   NETINV_BIN        netinv to measure (default: build/netinv, brought up to
#                     date with ninja first; a build/ is set up if missing)
#   NETINV_BENCH_GEN  generator binary (default: build/tests/bench/gen-mixed,
#                     else compiled here into tests/bench/out/)
#   P0F_FP            p0f fingerprint file (default /etc/p0f/p0f.fp)
#
# The capture is written to tests/bench/out/ (git-ignored), named after the
# generator's format version, the frame count and the seed, and reused by
# later runs; the generator's summary sits next to it (*.counts).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
out="$here/out"
reps=3 frames=1000000 seed=1 file="" profile=0

usage() {
        sed -n '2,34p' "$0" | sed 's/^# \{0,1\}//'
        exit "$1"
}
die() {
        echo "offline.sh: $*" >&2
        exit 2
}

while getopts "r:n:s:f:ph" o; do
        case "$o" in
        r) reps=$OPTARG ;;
        n) frames=$OPTARG ;;
        s) seed=$OPTARG ;;
        f) file=$OPTARG ;;
        p) profile=1 ;;
        h) usage 0 ;;
        *) usage 2 ;;
        esac
done
shift $((OPTIND - 1))
[ $# -eq 0 ] || usage 2
[[ "$reps" =~ ^[1-9][0-9]*$ ]] || die "-r '$reps': want a count from 1"
[[ "$frames" =~ ^[1-9][0-9]*$ ]] || die "-n '$frames': want a count from 1"
[[ "$seed" =~ ^[0-9]+$ ]] || die "-s '$seed': want a number"

for t in tcpdump p0f python3; do
        command -v "$t" >/dev/null || die "'$t' not found (apt-get install tcpdump p0f python3)"
done
gnu_time=/usr/bin/time
"$gnu_time" --version 2>&1 | grep -q GNU || die "GNU time not found at $gnu_time (apt-get install time)"
fp=${P0F_FP:-/etc/p0f/p0f.fp}
[ -r "$fp" ] || die "'$fp': no p0f fingerprint file (apt-get install p0f, or set P0F_FP)"
mkdir -p "$out"

# netinv, up to date.
builddir=""
if [ -n "${NETINV_BIN:-}" ]; then
        netinv=$NETINV_BIN
else
        builddir="$top/build"
        if [ ! -f "$builddir/build.ninja" ]; then
                echo "offline.sh: setting up $builddir" >&2
                meson setup "$builddir" "$top" >/dev/null
        fi
        ninja -C "$builddir" netinv >/dev/null
        netinv="$builddir/netinv"
fi
[ -x "$netinv" ] || die "'$netinv': no netinv binary (build it, or set NETINV_BIN)"
[ -n "$builddir" ] || builddir=$(cd "$(dirname "$netinv")" && pwd)

# The generator: meson's, else compiled here.
gen=${NETINV_BENCH_GEN:-}
if [ -z "$gen" ] && [ -f "$top/build/build.ninja" ] &&
   ninja -C "$top/build" -t targets all 2>/dev/null | grep -q '^tests/bench/gen-mixed:'; then
        ninja -C "$top/build" tests/bench/gen-mixed >/dev/null
        gen="$top/build/tests/bench/gen-mixed"
fi
if [ -z "$gen" ]; then
        gen="$out/gen-mixed"
        if [ ! -x "$gen" ] || [ -n "$(find "$here" -maxdepth 1 -name 'gen-*.[ch]' -newer "$gen")" ]; then
                "${CC:-cc}" -std=gnu11 -O2 -Wall -Wextra -o "$gen" \
                        "$here/gen-mixed.c" "$here/gen-frames.c" || die "cannot compile the generator"
        fi
fi

# The capture.
if [ -z "$file" ]; then
        ver=$("$gen" -V)
        file="$out/mixed-v$ver-n$frames-s$seed.pcap"
fi
counts="${file%.pcap}.counts"
if [ ! -f "$file" ]; then
        [ -x "$gen" ] || die "'$file' is missing and there is no generator"
        need_kib=$((frames * 900 / 1024 + 65536))
        have_kib=$(df -Pk "$(dirname "$file")" | awk 'NR == 2 { print $4 }')
        [ "$have_kib" -gt "$need_kib" ] ||
                die "$(dirname "$file"): $((have_kib / 1024)) MiB free, the capture needs about $((need_kib / 1024)) MiB"
        echo "offline.sh: generating $file ($frames frames, seed $seed)" >&2
        "$gen" -n "$frames" -s "$seed" -o "$file" >"$counts.tmp"
        mv "$counts.tmp" "$counts"
fi
[ -f "$counts" ] || counts=""

exec python3 - "$netinv" "$file" "$counts" "$reps" "$fp" "$builddir" "$profile" "$out" \
        "$gnu_time" <<'PY'
import json, os, random, re, shutil, statistics, subprocess, sys, tempfile, time

netinv, path, counts_path, reps, fp, builddir, profile, outdir, GNU_TIME = sys.argv[1:]
reps = int(reps)
profile = profile == "1"

TARGET_TIME = 2.0       # netinv wall time <= 2 x tcpdump's
TARGET_PPS = 4.0        # netinv packets/s >= 4 x p0f's
TARGET_RSS = 64.0       # MiB, netinv peak RSS below this


def die(msg):
    print(f"offline.sh: {msg}", file=sys.stderr)
    sys.exit(2)


def first_line(cmd):
    try:
        r = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, text=True)
    except OSError:
        return "?"
    lines = (r.stdout + r.stderr).strip().splitlines()
    return lines[0] if lines else "?"


def run(cmd, stdout=subprocess.DEVNULL):
    """Run cmd; wall seconds, CPU seconds, peak RSS KiB, exit code, stderr.
    The peak RSS comes from GNU time, which forks the tool from its own small
    process: a child forked from python would count python's pages too (the
    RSS high-water mark survives exec)."""
    with tempfile.TemporaryFile() as err, tempfile.NamedTemporaryFile("r") as rf:
        t0 = time.perf_counter()
        p = subprocess.Popen([GNU_TIME, "-f", "%M", "-o", rf.name, "--"] + cmd,
                             stdin=subprocess.DEVNULL, stdout=stdout, stderr=err)
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.perf_counter() - t0
        p.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        msg = err.read().decode(errors="replace")
        lines = rf.read().split()
    rss = int(lines[-1]) if lines and lines[-1].isdigit() else 0
    return wall, ru.ru_utime + ru.ru_stime, rss, p.returncode, msg


def stream(cmd, keep_head=256, keep_tail=4096):
    """Run cmd reading its stdout through; byte count, head, tail, rc, stderr."""
    with tempfile.TemporaryFile() as err:
        p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=err)
        n, head, tail = 0, b"", b""
        while True:
            b = p.stdout.read(1 << 20)
            if not b:
                break
            n += len(b)
            if len(head) < keep_head:
                head += b[:keep_head - len(head)]
            tail = (tail + b)[-keep_tail:]
        rc = p.wait()
        err.seek(0)
        return n, head.decode(errors="replace"), tail.decode(errors="replace"), rc, \
            err.read().decode(errors="replace")


# ---- what we run on ----
counts = {}
if counts_path:
    for line in open(counts_path):
        k, _, v = line.strip().partition("=")
        if v.isdigit():
            counts[k] = int(v)
size = os.path.getsize(path)
cpu = "?"
for line in open("/proc/cpuinfo"):
    if line.startswith("model name"):
        cpu = line.split(":", 1)[1].strip()
        break
mem = 0
for line in open("/proc/meminfo"):
    if line.startswith("MemTotal:"):
        mem = int(line.split()[1]) // 1024
nproc = len(os.sched_getaffinity(0))
load0 = os.getloadavg()
build = "not a meson build directory"
try:
    opts = {o["name"]: o["value"] for o in
            json.load(open(os.path.join(builddir, "meson-info", "intro-buildoptions.json")))}
    build = (f"buildtype {opts.get('buildtype')}, optimization {opts.get('optimization')}, "
             f"debug {opts.get('debug')}, b_sanitize {opts.get('b_sanitize')}, "
             f"b_lto {opts.get('b_lto')}")
    if opts.get("b_sanitize", "none") != "none":
        print("offline.sh: WARNING: netinv is a sanitizer build; its times mean nothing",
              file=sys.stderr)
except (OSError, ValueError, KeyError, TypeError):
    pass

# ---- checks, untimed; they also bring the file into the page cache ----
with open(path, "rb") as f:
    while f.read(1 << 22):
        pass
if mem and size > mem * 1024 * 1024 // 2:
    print("offline.sh: WARNING: the capture is more than half the RAM; reads may hit the disk",
          file=sys.stderr)

# tcpdump -w writes classic pcap: byte for byte the same size as a classic
# pcap input (a pcapng given with -f only has to be read without error).
with open(path, "rb") as f:
    classic = f.read(4) in (b"\xd4\xc3\xb2\xa1", b"\xa1\xb2\xc3\xd4",
                            b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d")
n, _, _, rc, err = stream(["tcpdump", "-r", path, "-w", "-"])
if rc != 0 or (classic and n != size) or n <= 24:
    die(f"tcpdump check: exit {rc}, copied {n} of {size} bytes: {err.strip()}")
check_tcpdump = f"tcpdump copied all {n:,} bytes" if classic else f"tcpdump wrote {n:,} bytes"

_, head, tail, rc, err = stream(["p0f", "-r", path, "-f", fp])
m = re.search(r"Processed (\d+) packets", tail)
if rc != 0 or not m:
    die(f"p0f check: exit {rc}, no 'Processed N packets' line: {(err + tail).strip()[-500:]}")
p0f_seen = int(m.group(1))
m = re.search(r"p0f [0-9][^ ]*", head)
p0f_version = m.group(0) if m else "p0f"
# p0f's own BPF filter passes only TCP: it must have seen every TCP frame.
if "tcp" in counts and p0f_seen != counts["tcp"]:
    die(f"p0f check: processed {p0f_seen} packets, the capture has {counts['tcp']} TCP frames")
if p0f_seen == 0:
    die("p0f check: processed no packets")
check_p0f = f"p0f processed {p0f_seen:,} packets" + \
    (" (= the TCP frames; p0f filters on TCP)" if "tcp" in counts else "")

with tempfile.NamedTemporaryFile(suffix=".json") as j:
    _, _, _, rc, err = run([netinv, "scan", "--read", path, "--format", "json", "-o", j.name,
                            "--oui", "none"])
    if rc != 0:
        die(f"netinv check: exit {rc}: {err.strip()}")
    doc = json.load(open(j.name))
scan = doc.get("scan", {})
seen = scan.get("packets_seen")
frames = counts.get("frames", seen)
if seen != frames:
    die(f"netinv check: saw {seen} packets, the capture has {frames}")
check_netinv = (f"netinv saw {seen:,} packets, {len(doc.get('devices', []))} devices, "
                f"{scan.get('packets_malformed')} malformed")

# ---- timed runs, all in this one run, in a fresh (seeded) order each time
# so that no tool always follows the same one ----
tools = [
    ("tcpdump", ["tcpdump", "-r", path, "-w", "/dev/null"]),
    ("p0f", ["p0f", "-r", path, "-f", fp]),
    ("netinv", [netinv, "scan", "--read", path, "--format", "json", "-o", "/dev/null",
                "--oui", "none"]),
    ("netinv+oui", [netinv, "scan", "--read", path, "--format", "json", "-o", "/dev/null"]),
]
res = {name: [] for name, _ in tools}
for r in range(reps):
    order = list(tools)
    random.Random(r).shuffle(order)
    for name, cmd in order:
        wall, cpu_s, rss, rc, err = run(cmd)
        if rc != 0:
            die(f"{name}: exit {rc}: {err.strip()[-500:]}")
        res[name].append((wall, cpu_s, rss))
load1 = os.getloadavg()

# ---- report ----
med = {n: statistics.median(w for w, _, _ in v) for n, v in res.items()}
medcpu = {n: statistics.median(c for _, c, _ in v) for n, v in res.items()}
rss = {n: max(m for _, _, m in v) / 1024 for n, v in res.items()}
pps = {n: frames / med[n] for n in res}

c = counts
mix = ""
if c:
    mix = (f"\n             ARP {c.get('arp', 0):,}, DHCP {c.get('dhcp', 0):,}, "
           f"mDNS {c.get('mdns', 0):,}, TCP {c.get('tcp', 0):,} (SYN {c.get('tcp_syn', 0):,}, "
           f"SYN-ACK {c.get('tcp_synack', 0):,}, data {c.get('tcp_data', 0):,}, "
           f"FIN {c.get('tcp_fin', 0):,}, RST {c.get('tcp_rst', 0):,})")
print("netinv offline throughput benchmark")
print(f"  machine  : {nproc} CPUs (nproc), {cpu}, {mem / 1024:.1f} GiB RAM, "
      f"Linux {os.uname().release}")
print(f"  load avg : {load0[0]:.2f} {load0[1]:.2f} {load0[2]:.2f} before, "
      f"{load1[0]:.2f} {load1[1]:.2f} {load1[2]:.2f} after")
shown = os.path.relpath(path)
print(f"  capture  : {path if shown.startswith('..') else shown}, {frames:,} frames, {size / 1e6:.1f} MB, "
      f"page cache warm{mix}")
print(f"  netinv   : {netinv} ({first_line([netinv, '--version'])}; {build})")
print(f"  tcpdump  : {first_line(['tcpdump', '--version'])}")
print(f"  p0f      : {p0f_version}, {fp}")
print(f"  checks   : {check_tcpdump}; {check_p0f}; {check_netinv}")
print(f"  runs     : {reps} per tool, order shuffled, medians; every figure below comes from")
print("             this one run on this machine: the ratios are the result, not the seconds")
print()
label = {"tcpdump": "tcpdump -w /dev/null", "p0f": "p0f -r",
         "netinv": "netinv --oui none", "netinv+oui": "netinv (OUI file)"}
print(f"  {'tool':<22} {'median s':>9} {'min-max s':>13} {'CPU s':>7} {'packets/s':>12} "
      f"{'peak RSS MiB':>13}")
for n, _ in tools:
    ws = [w for w, _, _ in res[n]]
    print(f"  {label[n]:<22} {med[n]:>9.3f} {min(ws):>6.3f}-{max(ws):<6.3f} {medcpu[n]:>7.3f} "
          f"{pps[n]:>12,.0f} {rss[n]:>13.1f}")
print()

fails = 0


def target(what, value, ok, goal, fmt):
    global fails
    fails += not ok
    print(f"  {what:<34} {fmt.format(value):>10}   target {goal:<10} {'PASS' if ok else 'FAIL'}")


t_ratio = med["netinv"] / med["tcpdump"]
p_ratio = pps["netinv"] / pps["p0f"]
peak = max(rss["netinv"], rss["netinv+oui"])
print("  targets (ratios measured in this one run):")
target("netinv time / tcpdump time", t_ratio, t_ratio <= TARGET_TIME, f"<= {TARGET_TIME}", "{:.2f}")
target("netinv packets/s / p0f packets/s", p_ratio, p_ratio >= TARGET_PPS, f">= {TARGET_PPS}",
       "{:.2f}")
target("netinv peak RSS (both runs), MiB", peak, peak < TARGET_RSS, f"< {TARGET_RSS:.0f}", "{:.1f}")
print()
print("  for information:")
print(f"    with the OUI file: time ratio {med['netinv+oui'] / med['tcpdump']:.2f}, "
      f"pps ratio {pps['netinv+oui'] / pps['p0f']:.2f}")
print(f"    CPU-time ratios (steadier on a busy machine): netinv/tcpdump "
      f"{medcpu['netinv'] / medcpu['tcpdump']:.2f}, p0f/netinv {medcpu['p0f'] / medcpu['netinv']:.2f}")
print(f"    netinv {pps['netinv'] / 1e6:.2f} Mpackets/s on one core (the requirement expects "
      f"about 2 on this kind of machine)")
if max(load0[0], load1[0]) > nproc / 2:
    print(f"    NOTE: the load average was above {nproc / 2:g} (others are using the machine); "
          "wall times are noisy, rerun with more -r or compare the CPU ratios")
print()
print("RESULT:", "PASS" if not fails else f"FAIL ({fails} target{'s' if fails > 1 else ''} missed)")

if profile:
    print()
    data = os.path.join(outdir, "perf.data")
    cmd = ["perf", "record", "-q", "-F", "10000", "-o", data, "--", netinv, "scan", "--read",
           path, "--format", "json", "-o", "/dev/null", "--oui", "none"]
    r = None
    if shutil.which("perf"):
        r = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, text=True)
    if not r or r.returncode != 0:
        print("perf record failed: " + (r.stderr.strip()[-300:] if r else "no perf (apt-get "
                                        "install linux-perf)"))
    else:
        for sort in ("dso", "dso,symbol"):
            rep = subprocess.run(["perf", "report", "-i", data, "--stdio", "--sort", sort,
                                  "--percent-limit", "0.5"], capture_output=True, text=True)
            lines = [re.sub(r"(\s+-)+\s*$", "", l.strip()) for l in rep.stdout.splitlines()
                     if l.strip() and not l.startswith("#")]
            print(f"perf: netinv --oui none, self time by {sort} ({data}):")
            print("\n".join("  " + l for l in lines[:30]))

sys.exit(1 if fails else 0)
PY
