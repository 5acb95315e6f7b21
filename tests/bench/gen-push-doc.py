#!/usr/bin/env python3
"""gen-push-doc.py - a netinv/1 document of N devices for tests/bench/push.sh.

    gen-push-doc.py N OUT TEMPLATE.json...

The devices are copies of real ones (the TEMPLATE documents: netinv's JSON
for the test captures), each with its own MAC, addresses and names, so the
text compresses like a real large scan and not like N identical records.
Deterministic (seeded). Only writes a file.
"""
import json, random, sys, uuid

n, out, templates = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
devs = []
for t in templates:
    devs += json.load(open(t))["devices"]
base = json.load(open(templates[0]))
rng = random.Random(1)
out_devs = []
for i in range(n):
    d = json.loads(json.dumps(rng.choice(devs)))
    mac = "02:%02x:%02x:%02x:%02x:%02x" % tuple(rng.randrange(256) for _ in range(5))
    old_mac, d["mac"] = d["mac"], mac
    ip = f"198.{18 + (i >> 16)}.{(i >> 8) & 255}.{i & 255}"
    d["ipv4"] = [ip] if d["ipv4"] or rng.random() < 0.9 else []
    d["ipv6"] = [f"fe80::{rng.randrange(1 << 16):x}:{rng.randrange(1 << 16):x}"] if d["ipv6"] else []
    host = f"host-{i:05d}-{rng.randrange(1 << 20):05x}"
    d["hostnames"] = [host + ".local"] if d["hostnames"] or rng.random() < 0.5 else []
    for o in d["observations"]:
        o["value"] = o["value"].replace(old_mac, mac)
        for h in d["hostnames"]:
            o["value"] = o["value"].replace("lab-", host + "-", 1)
    out_devs.append(d)
base["devices"] = out_devs
base["scan"]["devices"] = n
base["scan"]["id"] = str(uuid.UUID(int=rng.getrandbits(128), version=4))
with open(out, "w") as f:
    json.dump(base, f, separators=(",", ":"))
