#!/usr/bin/env python3
"""faults.py - nothing is lost: 200 scans pushed through a register that fails
at random (refused connections, 500/503, 429 with Retry-After, stalls past
the timeout, a wrong certificate, connections dropped after the body was
read), then a healthy register: every document arrives, each stored once by
Idempotency-Key, in order, and the spool ends empty. Then the single cases:
a wrong token (failed/, exit 1), Retry-After honoured, a wrong certificate
(kept; sent with --insecure and a warning), NETINV_TOKEN, a world-readable
token file, mutual TLS, GLPI 11 OAuth client credentials (a token refreshed
after a 401; wrong credentials), Basic, and a full spool (the oldest
dropped with a warning, the count carried by the next document).

Short timeouts and a small retry budget keep it near a minute.
"""
import atexit, shutil, os, sys, tempfile, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib import Check, Register, base_document, certs, free_port, push, spooled, write_doc  # noqa: E402

N = int(os.environ.get("NETINV_PUSH_SCANS", "200"))
FAST = ["--connect-timeout", "0.3", "--timeout", "0.6", "--retry-time", "0.5",
        "--retry-initial", "0.05", "--retry-max", "0.2"]


def main():
    check = Check()
    d = tempfile.mkdtemp(prefix="netinv-push-")
    atexit.register(shutil.rmtree, d, True)   # also on failure
    certs(d)
    tok = os.path.join(d, "token")
    with open(tok, "w") as f:
        f.write("s3cret-token\n")
    os.chmod(tok, 0o600)
    spool = os.path.join(d, "spool")
    base = base_document()
    reg = Register(d, token="s3cret-token")
    ca = os.path.join(d, "ca.pem")
    common = ["--spool", spool, "--ca-file", ca, "--token-file", tok, "--site", "lab-a",
              "--agent-id", "0b0e7c52-8d6e-4d1c-9a8e-3f1f2a6b9c01", "-q"] + FAST
    dead = f"https://127.0.0.1:{free_port()}/"
    try:
        # --- 200 scans, random faults ------------------------------------
        reg.set({"mode": "random", "p": 0.35, "seed": 7, "stall": 0.9, "retry_after": 1,
                 "faults": ["500", "503", "429", "stall", "drop", "reset", "wrongcert"]})
        ids, codes = [], {}
        t0 = time.monotonic()
        for i in range(N):
            path, sid = write_doc(d, base, i)
            ids.append(sid)
            # every tenth run, and the last three: connection refused
            url = dead if i % 10 == 3 or i >= N - 3 else reg.url
            r = push("--add", path, "--url", url, *common)
            codes[r.returncode] = codes.get(r.returncode, 0) + 1
            if r.returncode not in (0, 4):
                check(False, f"scan {i}: exit {r.returncode}: {r.stderr.strip()}")
            elif (r.returncode == 0) != (len(spooled(spool)) == 0):
                check(False, f"scan {i}: exit {r.returncode} but {len(spooled(spool))} spooled")
        print(f"{N} scans in {time.monotonic() - t0:.1f} s; exit codes {codes}; "
              f"{len(spooled(spool))} spooled before the healthy run")
        check(codes.get(4, 0) > 0 and len(spooled(spool)) >= 3, "some runs left documents spooled (exit 4)")
        reg.set({"mode": "ok"})
        r = push("--url", reg.url, *common)
        check(r.returncode == 0, f"healthy register: exit 0 (got {r.returncode} {r.stderr.strip()})")
        check(spooled(spool) == [], "spool empty")
        check(not os.path.isdir(os.path.join(spool, "failed")), "nothing in failed/")

        recs = reg.records()
        stored = [x for x in recs if x.get("stored")]
        keys = [x["key"] for x in stored]
        check(len(keys) == len(set(keys)), "each document stored exactly once by Idempotency-Key")
        check(keys == ids, f"every document arrived, in order ({len(keys)} of {len(ids)})")
        check(all(x["body"]["scan_id"] == x["key"] for x in stored), "Idempotency-Key equals scan.id")
        check(all(x["body"]["agent"].get("site") == "lab-a" and x["body"]["agent"].get("id")
                  for x in stored), "agent.id and agent.site in every document")
        check(all(x["cenc"] == "gzip" and x["ctype"] == "application/json" for x in stored),
              "gzip, application/json")
        seen = {x["fault"] for x in recs if x.get("fault")}
        dups = sum(1 for x in recs if x.get("status") == 200 and not x.get("stored"))
        print(f"faults injected: {sorted(seen)}; {len(recs)} requests; {dups} repeats answered as duplicates")
        check({"500", "429", "stall", "drop", "reset", "wrongcert"} <= seen, "every kind of fault happened")

        # --- wrong token: failed/, exit 1 ---------------------------------
        bad = os.path.join(d, "badtoken")
        with open(bad, "w") as f:
            f.write("wrong\n")
        os.chmod(bad, 0o600)
        path, sid = write_doc(d, base, 9001)
        args = [a if a != tok else bad for a in common]
        r = push("--add", path, "--url", reg.url, *args)
        failed = os.path.join(spool, "failed")
        names = sorted(os.listdir(failed)) if os.path.isdir(failed) else []
        check(r.returncode == 1, f"wrong token: exit 1 (got {r.returncode})")
        check("refused it with HTTP 401" in r.stderr, "wrong token: the run says so")
        check(any(n.endswith(sid + ".json") for n in names) and
              any(n.endswith(sid + ".response") for n in names), "wrong token: document and response in failed/")
        resp = [n for n in names if n.endswith(".response")]
        if resp:
            txt = open(os.path.join(failed, resp[0])).read()
            check(txt.startswith("HTTP status 401") and "Authorization required" in txt,
                  "the response is saved beside it")
        check(spooled(spool) == [], "wrong token: not left in the spool")
        check("wrong" not in r.stderr and "s3cret" not in r.stderr, "the token is not printed")

        # --- Retry-After honoured ---------------------------------------
        reg.set({"mode": "seq", "faults": ["429"], "retry_after": 1})
        path, sid = write_doc(d, base, 9002)
        t = time.monotonic()
        r = push("--add", path, "--url", reg.url, *common[:-len(FAST)],
                 "--retry-time", "5", "--retry-initial", "0.05", "--timeout", "2")
        el = time.monotonic() - t
        check(r.returncode == 0 and el >= 1.0, f"429 Retry-After: 1 waited ({el:.2f} s), then sent")

        # --- wrong certificate: stays spooled ---------------------------
        reg.set({"mode": "fail", "fault": "wrongcert"})
        path, sid = write_doc(d, base, 9003)
        r = push("--add", path, "--url", reg.url, *common)
        check(r.returncode == 4 and len(spooled(spool)) == 1, f"wrong certificate: exit 4, kept (got {r.returncode})")
        r = push("--url", reg.url, "--spool", spool, "-q", *FAST, "--insecure",
                 env={"NETINV_TOKEN": "s3cret-token"})
        check(r.returncode == 0 and spooled(spool) == [] and "not verified" in r.stderr,
              f"--insecure: sent to the wrong certificate, with a warning ({r.returncode})")
        path, sid = write_doc(d, base, 9005)
        push("--add", path, "--spool", spool, "-q")
        reg.set({"mode": "ok"})
        r = push("--url", reg.url, "--spool", spool, "--ca-file", ca, "-q", *FAST,
                 env={"NETINV_TOKEN": "s3cret-token"})
        check(r.returncode == 0 and spooled(spool) == [], "NETINV_TOKEN from the environment: sent")

        # --- token file readable by all: refused ------------------------
        os.chmod(tok, 0o644)
        r = push("--url", reg.url, *common)
        check(r.returncode == 1 and "chmod 600" in r.stderr, "world-readable token file refused")
        os.chmod(tok, 0o600)
    finally:
        reg.stop()

    # --- mutual TLS --------------------------------------------------------
    mreg = Register(d, client_ca=True, name="mtls")
    try:
        path, sid = write_doc(d, base, 9004)
        r = push("--add", path, "--url", mreg.url, "--spool", spool, "--ca-file", ca, "-q", *FAST)
        check(r.returncode == 4, f"mutual TLS without a client certificate: exit 4 (got {r.returncode})")
        r = push("--url", mreg.url, "--spool", spool, "--ca-file", ca, "-q", *FAST,
                 "--client-cert", os.path.join(d, "client.pem"), "--client-key", os.path.join(d, "client.key"))
        check(r.returncode == 0 and spooled(spool) == [], "mutual TLS with the client certificate: sent")
        check([x["key"] for x in mreg.records() if x.get("stored")] == [sid], "mutual TLS: stored")
    finally:
        mreg.stop()

    # --- GLPI 11 OAuth client credentials, and Basic --------------------
    creds = os.path.join(d, "oauth")
    with open(creds, "w") as f:
        f.write("netinv-agent:cl1ent-s3cret\n")
    os.chmod(creds, 0o600)
    oreg = Register(d, oauth="netinv-agent:cl1ent-s3cret", name="oauth")
    try:
        oreg.set({"mode": "ok", "token_uses": 1})
        sids = []
        for i in range(3):
            path, sid = write_doc(d, base, 9100 + i)
            sids.append(sid)
            r = push("--add", path, "--spool", spool, "--ca-file", ca, "-q", *FAST)   # queue only
        oa = ["--spool", spool, "--ca-file", ca, "-q", *FAST, "--url", oreg.url, "--auth", "oauth",
              "--token-file", creds, "--token-url", oreg.base + "/api.php/token"]
        r = push(*oa)
        check(r.returncode == 0 and spooled(spool) == [], f"OAuth: sent (exit {r.returncode} {r.stderr.strip()})")
        recs = oreg.records()
        check([x["key"] for x in recs if x.get("stored")] == sids, "OAuth: stored, in order")
        check(sum(1 for x in recs if x.get("token_request")) == 3,
              "OAuth: a fresh token after a 401 (each token good for one request here)")
        check("cl1ent" not in r.stderr, "OAuth: the secret is not printed")
        with open(creds, "w") as f:
            f.write("netinv-agent:wrong\n")
        path, sid = write_doc(d, base, 9200)
        r = push("--add", path, *oa)
        check(r.returncode == 1 and "refused the client credentials" in r.stderr and len(spooled(spool)) == 1,
              f"OAuth with wrong credentials: exit 1, the document stays spooled ({r.returncode})")
    finally:
        oreg.stop()
    breg = Register(d, token=None, name="basic")
    try:
        r = push("--url", breg.url, "--spool", spool, "--ca-file", ca, "-q", *FAST, "--auth", "basic",
                 env={"NETINV_TOKEN": "user:pass"})
        check(r.returncode == 0 and spooled(spool) == [], "Basic auth: sent")
        check([x.get("authz") for x in breg.records()] == ["Basic dXNlcjpwYXNz"], "Basic auth: user:pass sent")

        # --- spool full: the oldest dropped, loudly, the count carried ----
        big = dict(base, devices=base["devices"] * 60)
        paths = []
        for i in range(2):
            path, sid = write_doc(d, big, 9300 + i)
            paths.append((path, sid))
        check(os.path.getsize(paths[0][0]) > 600 * 1024, "spool full: documents over half a MiB")
        push("--add", paths[0][0], "--spool", spool, "--spool-max-mb", "1", "-q")
        r = push("--add", paths[1][0], "--spool", spool, "--spool-max-mb", "1", "-q")
        check(r.returncode == 4 and "SPOOL FULL" in r.stderr and len(spooled(spool)) == 1,
              f"spool full: the oldest dropped, with a warning even with -q ({r.returncode})")
        r = push("--url", breg.url, "--spool", spool, "--ca-file", ca, "-q", *FAST, "--auth", "none")
        last = [x for x in breg.records() if x.get("stored")][-1]
        check(r.returncode == 0 and last["key"] == paths[1][1] and last["body"]["spool_dropped"] == 1,
              "spool full: the next document carries scan.spool_dropped = 1")
        check(not os.path.exists(os.path.join(spool, "dropped")) or
              open(os.path.join(spool, "dropped")).read().strip() == "0", "spool full: the counter is reset once reported")
    finally:
        breg.stop()

    print(f"{check.failures} failures")
    sys.exit(1 if check.failures else 0)


if __name__ == "__main__":
    main()
