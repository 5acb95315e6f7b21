#!/usr/bin/env python3
"""crash-push.py - kill -9 `netinv scan --push`, `netinv listen --push`
(its last save and push) and `netinv push` at 100 random moments while
they talk to a register that stalls, fails and drops connections
(register.py), so that most kills land inside a request, a spool write or
a state save. After every kill: each pending spool file and
the state file parse as JSON. At the end a healthy `netinv push` empties the
spool, and every document that was ever spooled reached the register,
stored exactly once by its Idempotency-Key (a repeat is recognised as one).

CRASH_ROUNDS sets the number of runs (default 100); about 20 s.
"""
import atexit, json, os, pwd, random, shutil, signal, subprocess, sys, tempfile, time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "push"))
from lib import Register, base_document, write_doc  # noqa: E402

NETINV = os.environ["NETINV_BIN"]
CAPS = os.environ["NETINV_TEST_CAPTURES"]
ROUNDS = int(os.environ.get("CRASH_ROUNDS", "100"))
FAST = ["--connect-timeout", "0.3", "--timeout", "0.5", "--retry-time", "0.4",
        "--retry-initial", "0.05", "--retry-max", "0.1"]


def fail(msg):
    print(f"state-crash-push: FAIL: {msg}", file=sys.stderr)
    sys.exit(1)


def pending(spool):
    return sorted(n for n in os.listdir(spool) if n.endswith(".json") and not n.startswith("."))


def scan_id(name):
    # <usec:20>-<scan_id>.json
    return name[21:-5]


def main():
    d = tempfile.mkdtemp(prefix="netinv-crash-push-")
    atexit.register(shutil.rmtree, d, True)
    os.chmod(d, 0o755)
    # As root, scan drops to nobody but push would not: run both as nobody,
    # as an agent with its own user does, so that they share the spool.
    pre = []
    if os.geteuid() == 0:
        pw = pwd.getpwnam("nobody")
        pre = ["setpriv", f"--reuid={pw.pw_uid}", f"--regid={pw.pw_gid}", "--clear-groups"]
        os.mkdir(os.path.join(d, "st"), 0o750)
        os.chown(os.path.join(d, "st"), pw.pw_uid, pw.pw_gid)
    st = os.path.join(d, "st")
    spool = os.path.join(st, "spool")
    reg = Register(d, tls=False)
    atexit.register(reg.stop)
    reg.set({"mode": "random", "p": 0.6, "seed": 11, "stall": 0.25, "retry_after": 1,
             "faults": ["stall", "stall", "500", "drop", "reset"]})
    conf = os.path.join(d, "netinv.conf")
    with open(conf, "w") as f:
        f.write("[push]\nconnect_timeout = 0.3\ntimeout = 0.5\n")
    base = base_document()
    rng = random.Random(int(os.environ.get("CRASH_SEED", "5")))
    seen = set()                # every scan id that was ever in the spool
    kills = mid_request = 0
    t0 = time.monotonic()
    for i in range(ROUNDS):
        before = len(reg.records())
        if i % 3 == 0:
            cmd = [NETINV, "scan", "--read", os.path.join(CAPS, "lab-30s.pcap"), "--oui", "none",
                   "--no-identify", "-c", conf, "--state-dir", st, "--push", reg.url,
                   "-o", os.devnull, "-q"]
        elif i % 3 == 1:
            cmd = [NETINV, "listen", "--read", os.path.join(CAPS, "lab-30s.pcap"), "--oui", "none",
                   "-c", conf, "--state-dir", st, "--push", reg.url, "-q"]
        else:
            path, _ = write_doc(d, base, i)
            cmd = [NETINV, "push", "--spool", spool, "--url", reg.url, "--add", path, "-q"] + FAST
        p = subprocess.Popen(pre + cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        time.sleep(rng.uniform(0.0, 0.3))
        if p.poll() is None:
            p.send_signal(signal.SIGKILL)
            kills += 1
            recs = reg.records()
            # a request began and the kill came before its answer was logged
            mid_request += len(recs) > before and recs[-1].get("fault") in ("stall",)
        p.wait()
        err = p.stderr.read().decode(errors="replace")
        p.stderr.close()
        if p.returncode not in (-signal.SIGKILL, 0, 4, 75):
            fail(f"round {i}: {' '.join(cmd[1:3])}: exit {p.returncode}: {err.strip()}")
        if os.path.isdir(spool):
            for n in pending(spool):
                seen.add(scan_id(n))
                try:
                    with open(os.path.join(spool, n)) as f:
                        doc = json.load(f)
                except ValueError as e:
                    fail(f"round {i}: spool file {n} does not parse: {e}")
                if doc.get("scan", {}).get("id") != scan_id(n):
                    fail(f"round {i}: spool file {n} holds scan {doc.get('scan', {}).get('id')}")
        sf = os.path.join(st, "state.json")
        if os.path.exists(sf):
            try:
                with open(sf) as f:
                    s = json.load(f)
            except ValueError as e:
                fail(f"round {i}: state.json does not parse: {e}")
            if s.get("schema") != "netinv-state/1":
                fail(f"round {i}: state.json schema {s.get('schema')}")
    killed_at = time.monotonic() - t0

    # A healthy register: everything left goes, each document once.
    reg.set({"mode": "ok"})
    r = subprocess.run(pre + [NETINV, "push", "--spool", spool, "--url", reg.url, "-q"] + FAST,
                       capture_output=True, text=True)
    if r.returncode != 0:
        fail(f"the healthy push: exit {r.returncode}: {r.stderr.strip()}")
    if pending(spool):
        fail(f"the spool is not empty: {pending(spool)}")
    if os.path.isdir(os.path.join(spool, "failed")) and os.listdir(os.path.join(spool, "failed")):
        fail(f"documents in failed/: {os.listdir(os.path.join(spool, 'failed'))}")
    stored = {}
    for rec in reg.records():
        if rec.get("stored"):
            stored[rec["key"]] = stored.get(rec["key"], 0) + 1
    lost = sorted(seen - set(stored))
    if lost:
        fail(f"{len(lost)} spooled documents never reached the register: {lost[:5]}")
    twice = [k for k, n in stored.items() if n > 1]
    if twice:
        fail(f"stored more than once: {twice[:5]}")
    if kills < ROUNDS // 2:
        fail(f"only {kills} of {ROUNDS} runs were killed: the test proved little")
    print(f"state-crash-push: {ROUNDS} runs, {kills} killed ({mid_request} inside a stalled "
          f"request) in {killed_at:.1f} s; {len(seen)} documents spooled, all stored once; "
          f"{len(reg.records())} requests in all")


if __name__ == "__main__":
    main()
