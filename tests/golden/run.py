#!/usr/bin/env python3
"""Golden tests: run netinv over a capture and compare its JSON document
with an expected file, after normalising what changes from run to run.

    run.py NAME...        run the named TESTLIST entries (all when none)
    NETINV_GOLDEN_UPDATE=1 run.py NAME...   rewrite the expected files

Environment: NETINV_BIN (the netinv binary, required), NETINV_TEST_CAPTURES
(default: ../captures next to this script). TESTLIST lines are
`name capture-file expected-file [netinv options]`; `#` starts a comment.
Exit 0 when every test passed, 1 on a mismatch or failure, 77 when nothing
could run (no NETINV_BIN).
"""
import difflib
import json
import os
import shlex
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def read_testlist(path):
    tests = {}
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            words = shlex.split(line)
            if len(words) < 3:
                raise SystemExit(f"{path}:{lineno}: want: name capture expected [options]")
            name, capture, expected, opts = words[0], words[1], words[2], words[3:]
            if name in tests:
                raise SystemExit(f"{path}:{lineno}: duplicate test name {name!r}")
            tests[name] = (capture, expected, opts)
    return tests


def normalise(doc):
    """Replace run-dependent fields by fixed markers, in place."""
    agent = doc.get("agent")
    if isinstance(agent, dict):
        for k in ("hostname", "version"):
            if k in agent:
                agent[k] = f"<{k}>"
    scan = doc.get("scan")
    if isinstance(scan, dict):
        for k in ("id", "started", "finished"):
            if k in scan:
                scan[k] = f"<{k}>"
        if isinstance(scan.get("file"), str):
            scan["file"] = os.path.basename(scan["file"])
    # The table a verdict came from is a path of this checkout (or the
    # system's distro-info): keep only its name.
    for dev in doc.get("devices", []):
        eol = dev.get("eol") if isinstance(dev, dict) else None
        if isinstance(eol, dict) and isinstance(eol.get("source"), str):
            eol["source"] = os.path.basename(eol["source"])
    return doc


def canonical(doc):
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def run_one(name, capture, expected, opts, captures, netinv, update):
    cap_path = os.path.join(captures, capture)
    exp_path = os.path.join(HERE, "expected", expected)
    # A fixed day for the end-of-life verdicts, so an expectation does not
    # change with the calendar (days_left, and a status on its last day).
    cmd = [netinv, "scan", "--read", cap_path, "--format", "json", "--oui", "none",
           "--as-of", "2026-11-23"] + opts
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
    err = proc.stderr.decode("utf-8", "replace")
    if proc.returncode != 0:
        print(f"FAIL {name}: exit status {proc.returncode}\n  {shlex.join(cmd)}\n{err}")
        return False
    if err:
        print(f"FAIL {name}: unexpected messages on stderr:\n{err}")
        return False
    try:
        got = canonical(normalise(json.loads(proc.stdout.decode("utf-8"))))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        print(f"FAIL {name}: output is not a JSON document: {e}")
        return False
    if update:
        os.makedirs(os.path.dirname(exp_path), exist_ok=True)
        with open(exp_path, "w", encoding="utf-8") as f:
            f.write(got)
        print(f"updated {os.path.relpath(exp_path)}")
        return True
    try:
        with open(exp_path, encoding="utf-8") as f:
            want = canonical(normalise(json.load(f)))
    except FileNotFoundError:
        print(f"FAIL {name}: no expected file {exp_path} (NETINV_GOLDEN_UPDATE=1 makes it)")
        return False
    if got == want:
        print(f"ok {name}")
        return True
    print(f"FAIL {name}: output differs from expected/{expected}")
    sys.stdout.writelines(difflib.unified_diff(
        want.splitlines(True), got.splitlines(True),
        fromfile=f"expected/{expected}", tofile=f"netinv {shlex.join(opts + [capture])}"))
    return False


def main(argv):
    netinv = os.environ.get("NETINV_BIN")
    if not netinv or not os.access(netinv, os.X_OK):
        print("NETINV_BIN is not set to the netinv binary; skipped")
        return 77
    captures = os.environ.get("NETINV_TEST_CAPTURES",
                              os.path.join(HERE, os.pardir, "captures"))
    update = os.environ.get("NETINV_GOLDEN_UPDATE", "") not in ("", "0")
    tests = read_testlist(os.path.join(HERE, "TESTLIST"))
    names = argv[1:] or list(tests)
    failed = 0
    for name in names:
        if name not in tests:
            print(f"FAIL {name}: not in TESTLIST")
            failed += 1
            continue
        capture, expected, opts = tests[name]
        if not run_one(name, capture, expected, opts, captures, netinv, update):
            failed += 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
