#!/usr/bin/env python3
"""schema.py - every document netinv writes validates against the published
JSON Schema (doc/netinv-1.schema.json): one per capture in tests/captures,
plus NDJSON lines against the device definition.

Uses the jsonschema module of the system's Python (Debian python3-jsonschema);
exits 77 (skipped) when no Python here has it.
"""
import glob, json, os, subprocess, sys

def find_jsonschema():
    try:
        import jsonschema  # noqa: F401
        return True
    except ImportError:
        pass
    # Another Python (the distribution's) may have it: re-run under it.
    for py in ("/usr/bin/python3",):
        if os.path.realpath(py) != os.path.realpath(sys.executable) and os.access(py, os.X_OK):
            r = subprocess.run([py, "-c", "import jsonschema"], capture_output=True)
            if r.returncode == 0:
                os.execv(py, [py] + sys.argv)
    return False

if not find_jsonschema():
    print("schema: skipped: no python3 module jsonschema (apt-get install python3-jsonschema)", file=sys.stderr)
    sys.exit(77)
import jsonschema

top = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
schema = json.load(open(os.path.join(top, "doc", "netinv-1.schema.json")))
jsonschema.Draft202012Validator.check_schema(schema)
doc_v = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
dev_schema = dict(schema["$defs"]["device"], **{"$defs": schema["$defs"]})
dev_schema["properties"] = dict(dev_schema["properties"], scan_id={"type": "string"})
dev_v = jsonschema.Draft202012Validator(dev_schema, format_checker=jsonschema.FormatChecker())

netinv = os.environ["NETINV_BIN"]
captures = sorted(glob.glob(os.path.join(os.environ["NETINV_TEST_CAPTURES"], "*.pcap*")))
failures = checked = 0
for cap in captures:
    for fmt in ("json", "ndjson"):
        r = subprocess.run([netinv, "scan", "--read", cap, "--format", fmt, "--oui", "none"],
                           capture_output=True, text=True)
        if r.returncode != 0:
            print(f"FAIL {os.path.basename(cap)} {fmt}: exit {r.returncode}: {r.stderr.strip()}")
            failures += 1
            continue
        docs = [json.loads(r.stdout)] if fmt == "json" else [json.loads(l) for l in r.stdout.splitlines()]
        v = doc_v if fmt == "json" else dev_v
        for d in docs:
            checked += 1
            errs = list(v.iter_errors(d))
            for e in errs[:5]:
                print(f"FAIL {os.path.basename(cap)} {fmt}: {'/'.join(map(str, e.path))}: {e.message}")
            failures += bool(errs)
print(f"{checked} documents checked against the schema, {failures} failed")
sys.exit(1 if failures or not checked else 0)
