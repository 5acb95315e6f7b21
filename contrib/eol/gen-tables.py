#!/usr/bin/env python3
"""Write netinv's shipped end-of-life tables from an endoflife.date snapshot.

Reads a snapshot directory in the endoflife.date API v1 shape
(products/<name>.json, as `GET /api/v1/products/<name>/` returns) and
copies the products netinv ships to data/eol/<name>.json unchanged, so the
shipped tables and what `netinv eol update` downloads are one format.
Provenance goes to data/eol/SOURCES.md (the documents stay pure API v1).

Tables written by hand from vendor pages live in contrib/eol/extra/*.json
(same format plus a top-level "netinv" object naming origin, sources and
note); they are checked and copied the same way, and SOURCES.md lists them
from that object. So data/eol is always this script's output.

    contrib/eol/gen-tables.py [--snapshot ../shared/eol] [--extra contrib/eol/extra] [--out data/eol]
"""
import argparse
import json
import os
import re
import sys

# The products netinv ships from endoflife.date (API names).
PRODUCTS = [
    "windows", "windows-server", "macos", "ios", "ipados", "android",
    "ubuntu", "debian", "rhel", "centos", "rocky-linux", "almalinux",
    "fedora", "alpine-linux", "linux", "freebsd", "opensuse", "sles",
    "cisco-ios-xe", "fortios", "panos", "routeros", "esxi",
]


# Products the issue asks for that are not shipped, and why: a verdict
# for them stays "unknown" (an honest answer) until a source is found.
NOT_SHIPPED = [
    ("cisco-asa", "No stored copy of Cisco's ASA software support timelines with per-train dates was "
     "found (the Secure Firewall sustaining bulletin read covers only releases after 9.23, without "
     "dates). Identification still names the product and version (9.16(4) -> cycle 9.16)."),
    ("openssh", "Upstream publishes no lifecycle (fixes go into the next release only); what matters "
     "on a device is the distribution's package, judged through the distribution's table "
     "(Debian-10+deb9u7 -> debian 9, Ubuntu-4ubuntu0.5 -> ubuntu 20.04)."),
]


def check(doc, name):
    """The same checks netinv's parser makes, so a bad snapshot fails here."""
    res = doc.get("result")
    if not isinstance(res, dict) or res.get("name") != name:
        raise ValueError(f"{name}: result.name is not {name!r}")
    rels = res.get("releases")
    if not isinstance(rels, list) or not rels:
        raise ValueError(f"{name}: no releases")
    for r in rels:
        for k in ("eolFrom", "eoesFrom"):
            v = r.get(k)
            if v is not None and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", v):
                raise ValueError(f"{name} {r.get('name')}: bad {k} {v!r}")


def snapshot_info(snap):
    """Commit and as-of date from the snapshot README, for SOURCES.md."""
    info = {"commit": "?", "as_of": "?"}
    try:
        text = open(os.path.join(snap, "README.md"), encoding="utf-8").read()
    except OSError:
        return info
    m = re.search(r"commit `([0-9a-f]{40})` \(([^)]*)\)", text)
    if m:
        info["commit"], info["commit_date"] = m.group(1), m.group(2)
    m = re.search(r"As-of date: (\d{4}-\d{2}-\d{2})", text)
    if m:
        info["as_of"] = m.group(1)
    return info


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(os.path.dirname(here))
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    # ../shared/eol next to the checkout (or next to a worktree's parent).
    default = next((d for d in (os.path.join("..", "shared", "eol"),
                                os.path.join(root, "..", "shared", "eol"),
                                os.path.join(root, "..", "..", "shared", "eol"))
                    if os.path.isdir(d)), os.path.join("..", "shared", "eol"))
    ap.add_argument("--snapshot", default=default)
    ap.add_argument("--extra", default=os.path.join(here, "extra"))
    ap.add_argument("--out", default=os.path.join(root, "data", "eol"))
    a = ap.parse_args()

    os.makedirs(a.out, exist_ok=True)
    info = snapshot_info(a.snapshot)
    rows = []
    for name in PRODUCTS:
        src = os.path.join(a.snapshot, "products", name + ".json")
        with open(src, "rb") as f:
            raw = f.read()
        doc = json.loads(raw)
        check(doc, name)
        # Byte for byte: the document is exactly what the API serves.
        with open(os.path.join(a.out, name + ".json"), "wb") as f:
            f.write(raw)
        res = doc["result"]
        rows.append((name, res.get("label", name), len(res["releases"]),
                     doc.get("generated_at", "?")[:10],
                     (res.get("links") or {}).get("html") or ""))

    vendor = []
    for fn in sorted(os.listdir(a.extra)):
        if not fn.endswith(".json"):
            continue
        name = fn[:-5]
        if name in PRODUCTS:
            raise SystemExit(f"{fn}: both in the snapshot list and written by hand")
        with open(os.path.join(a.extra, fn), "rb") as f:
            raw = f.read()
        doc = json.loads(raw)
        extra = doc.get("netinv")
        if not isinstance(extra, dict) or extra.get("origin") in (None, "endoflife.date"):
            raise SystemExit(f"{fn}: a hand-written table needs netinv.origin (e.g. \"vendor\")")
        check(doc, name)
        with open(os.path.join(a.out, fn), "wb") as f:
            f.write(raw)
        vendor.append((name, doc["result"].get("label", name),
                       len(doc["result"]["releases"]), doc.get("generated_at", "?")[:10], extra))

    known = set(PRODUCTS) | {v[0] for v in vendor}
    for fn in sorted(os.listdir(a.out)):
        if fn.endswith(".json") and fn[:-5] not in known:
            print(f"warning: {a.out}/{fn} comes from neither the snapshot nor {a.extra}; remove it",
                  file=sys.stderr)

    out = []
    out.append("# Sources of the shipped end-of-life tables\n")
    out.append("Every `*.json` here is an endoflife.date API v1 product document "
               "(`GET https://endoflife.date/api/v1/products/<name>/`), the format "
               "`netinv eol update` downloads. This file is not installed.\n")
    out.append("## From endoflife.date\n")
    out.append("Generated by `contrib/eol/gen-tables.py` from an offline snapshot of "
               "<https://github.com/endoflife-date/endoflife.date> "
               f"(commit `{info['commit']}`, {info.get('commit_date', '?')}), with every "
               f"`is*` flag computed as of {info['as_of']}. The data is MIT-licensed: "
               "Copyright 2020 endoflife.date contributors. The files are the snapshot's "
               "documents, byte for byte.\n")
    out.append("| product | label | cycles | generated_at | page |")
    out.append("|---|---|---|---|---|")
    for r in rows:
        out.append(f"| {r[0]} | {r[1]} | {r[2]} | {r[3]} | {r[4]} |")
    out.append("")
    out.append("## Written by hand from vendor lifecycle pages\n")
    out.append("Not in the endoflife.date API snapshot; same format, plus a top-level "
               "`netinv` object (`origin: \"vendor\"`, `sources`, `note`) that API readers "
               "ignore and that keeps `netinv eol update` from trying to download them. "
               "Facts (cycle names, dates) come from the sources listed: the vendor's "
               "lifecycle pages and, where listed, the endoflife.date repository file "
               "(MIT) whose contributors transcribed them, read on the date given; no "
               "text is copied. Each is maintained by hand in `contrib/eol/extra/` and "
               "copied here byte for byte by the same script.\n")
    if not vendor:
        out.append("None yet.\n")
    else:
        out.append("| product | label | cycles | generated_at | sources (URL, date read) |")
        out.append("|---|---|---|---|---|")
    for v in vendor:
        srcs = "; ".join(f"<{s.get('url')}> ({s.get('read')})" for s in v[4].get("sources", []))
        out.append(f"| {v[0]} | {v[1]} | {v[2]} | {v[3]} | {srcs} |")
        if v[4].get("note"):
            out.append(f"|  | *{v[4]['note']}* | | | |")
    out.append("")
    out.append("## Not shipped\n")
    out.append("| product | why |")
    out.append("|---|---|")
    for name, why in NOT_SHIPPED:
        out.append(f"| {name} | {why} |")
    out.append("")
    with open(os.path.join(a.out, "SOURCES.md"), "w", encoding="utf-8") as f:
        f.write("\n".join(out))
    print(f"{len(rows)} tables from the snapshot, {len(vendor)} by hand -> {a.out}")


if __name__ == "__main__":
    main()
