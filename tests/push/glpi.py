#!/usr/bin/env python3
"""glpi.py - what `netinv push --format glpi` sends is what GLPI imports:
every message validates against GLPI's published inventory schema (the strict
1.1.36 copy that older GLPI 10 enforces, and the current one), one message
per device, never itemtype Computer or Phone, always a name, the site as tag,
the agent id in deviceid and in GLPI-Agent-ID, gzip said by Content-Type and
not by Content-Encoding. Also the mapping fixture (fixture/glpi.ndjson).

The schema is not in this repository: NETINV_GLPI_SCHEMA names it, else
../shared/register/glpi/inventory.schema.json from the repository top.
Skipped (77) without it or without python3-jsonschema.
"""
import atexit, glob, shutil, gzip, json, os, subprocess, sys, tempfile


def find_jsonschema():
    try:
        import jsonschema  # noqa: F401
        return True
    except ImportError:
        pass
    py = "/usr/bin/python3"
    if os.path.realpath(py) != os.path.realpath(sys.executable) and os.access(py, os.X_OK):
        if subprocess.run([py, "-c", "import jsonschema"], capture_output=True).returncode == 0:
            os.execv(py, [py] + sys.argv)
    return False


HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
schema_path = os.environ.get("NETINV_GLPI_SCHEMA") or os.path.join(
    TOP, "..", "shared", "register", "glpi", "inventory.schema.json")
if not os.path.exists(schema_path):
    print(f"skipped: no GLPI schema at {schema_path} (set NETINV_GLPI_SCHEMA)", file=sys.stderr)
    sys.exit(77)
if not find_jsonschema():
    print("skipped: no python3 module jsonschema (apt-get install python3-jsonschema)", file=sys.stderr)
    sys.exit(77)
import jsonschema  # noqa: E402

sys.path.insert(0, HERE)
from lib import NETINV, Check, Register, push, spooled  # noqa: E402

AGENT = "0b0e7c52-8d6e-4d1c-9a8e-3f1f2a6b9c01"
SITE = "office-1"


def validators():
    paths = [schema_path]
    strict = os.path.join(os.path.dirname(schema_path), "inventory.schema-1.1.36-strict.json")
    if os.path.exists(strict):
        paths.append(strict)
    out = []
    for p in paths:
        s = json.load(open(p))
        jsonschema.Draft7Validator.check_schema(s)
        out.append((os.path.basename(p), jsonschema.Draft7Validator(s, format_checker=jsonschema.FormatChecker())))
    return out


def validate(vs, msg, what, check):
    ok = True
    for name, v in vs:
        for e in list(v.iter_errors(msg))[:3]:
            print(f"  {what}: {name}: /{'/'.join(map(str, e.path))}: {e.message}")
            ok = False
    nd = msg.get("content", {}).get("network_device", {})
    if msg.get("itemtype") in ("Computer", "Phone") or nd.get("type") in ("Computer", "Phone"):
        print(f"  {what}: itemtype {msg.get('itemtype')}: GLPI would unlink the real agent")
        ok = False
    if not nd.get("name"):
        print(f"  {what}: no name")
        ok = False
    return ok


def main():
    check = Check()
    vs = validators()
    print("schemas:", ", ".join(n for n, _ in vs))

    # The fixture: what the mapping gives for a hand-made document.
    fixture = [json.loads(l) for l in open(os.path.join(HERE, "fixture", "glpi.ndjson"))]
    check(all(validate(vs, m, f"fixture line {i + 1}", check) for i, m in enumerate(fixture)),
          f"fixture: {len(fixture)} messages validate")
    types = [(m["itemtype"], m["content"]["network_device"]["type"]) for m in fixture]
    check(("NetworkEquipment", "Networking") in types and ("Printer", "Printer") in types and
          ("Unmanaged", "Unmanaged") in types, "fixture: switch, printer and unmanaged devices")

    # Negative control: the validator does catch what GLPI refuses.
    bad = json.loads(json.dumps(fixture[0]))
    bad["content"]["network_device"]["os"] = "x"
    check(not all(v.is_valid(bad) for _, v in vs), "an extra key fails the strict schema")

    # Real documents: every capture, through netinv push to a register.
    d = tempfile.mkdtemp(prefix="netinv-glpi-")
    atexit.register(shutil.rmtree, d, True)   # also on failure
    reg = Register(d, tls=False, keep_bodies=True)
    spool = os.path.join(d, "spool")
    devices = 0
    try:
        caps = sorted(glob.glob(os.path.join(os.environ["NETINV_TEST_CAPTURES"], "*.pcap*")))
        for i, cap in enumerate(caps):
            r = subprocess.run([NETINV, "scan", "--read", cap, "--format", "json", "--oui", "none"],
                               capture_output=True, text=True)
            if r.returncode != 0:
                continue
            doc = json.loads(r.stdout)
            devices += len(doc["devices"])
            path = os.path.join(d, f"doc-{i}.json")
            open(path, "w").write(r.stdout)
            p = push("--add", path, "--spool", spool, "--url", reg.url, "--format", "glpi",
                     "--site", SITE, "--agent-id", AGENT, "-q")
            check(p.returncode == 0, f"{os.path.basename(cap)}: pushed ({p.returncode} {p.stderr.strip()})")
        recs = reg.records()
        msgs = [x["body"] for x in recs if x.get("status") == 200]
        check(len(msgs) == devices and devices > 0,
              f"one message per device ({len(msgs)} messages, {devices} devices)")
        check(all(validate(vs, m, f"message {i}", check) for i, m in enumerate(msgs)),
              "every message validates against the GLPI schema(s)")
        check(all(m.get("action") == "netdiscovery" and m.get("tag") == SITE and AGENT in m.get("deviceid", "")
                  for m in msgs), "netdiscovery, site as tag, agent id in deviceid")
        check(all(x["ctype"] == "application/x-compress-gzip" and x["cenc"] == "" and x["agent"] == AGENT
                  for x in recs), "gzip said by Content-Type, no Content-Encoding, GLPI-Agent-ID")
        check(spooled(spool) == [], "spool empty")
    finally:
        reg.stop()
    print(f"{check.failures} failures")
    sys.exit(1 if check.failures else 0)


if __name__ == "__main__":
    main()
