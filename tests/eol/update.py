#!/usr/bin/env python3
"""`netinv eol update` against a local HTTPS server (loopback only).

A throw-away CA and server certificate are made with openssl; the server
(http.server + ssl) serves API v1 product documents: good ones, a broken
one, a 500, one that names another product, one over the size cap. The
tables in the state directory must end up updated or kept whole, never
half-written, and no temporary file may be left behind.
"""
import http.server
import json
import os
import shutil
import ssl
import subprocess
import sys
import tempfile
import threading

NETINV = os.environ.get("NETINV_BIN", "build/netinv")
DATA = os.path.join(os.environ.get("NETINV_DATA_DIR", "data"), "eol")
failures = 0


def check(cond, what):
    global failures
    if not cond:
        failures += 1
        print("FAIL:", what, file=sys.stderr)


def openssl(*args, cwd):
    subprocess.run(["openssl", *args], cwd=cwd, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def make_certs(d):
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
            "-subj", "/CN=nheol test CA", "-keyout", "ca.key", "-out", "ca.pem",
            "-addext", "basicConstraints=critical,CA:TRUE",
            "-addext", "keyUsage=critical,keyCertSign", cwd=d)
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1",
            "-keyout", "srv.key", "-out", "srv.csr", cwd=d)
    with open(os.path.join(d, "ext.cnf"), "w") as f:
        f.write("subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n"
                "extendedKeyUsage=serverAuth\n")
    openssl("x509", "-req", "-in", "srv.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
            "-CAcreateserial", "-days", "2", "-extfile", "ext.cnf", "-out", "srv.pem", cwd=d)


def doc(name):
    with open(os.path.join(DATA, name + ".json"), "rb") as f:
        return f.read()


def newer(name):
    """The shipped document, visibly changed: a fresh generated_at."""
    d = json.loads(doc(name))
    d["generated_at"] = "2027-01-01T00:00:00+00:00"
    if name == "ubuntu":
        for r in d["result"]["releases"]:
            if r["name"] == "20.04":
                r["eolFrom"] = "2099-01-01"
    return json.dumps(d).encode()


ROUTES = {}


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        status, body = ROUTES.get(self.path, (404, b"not found"))
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *a):
        pass


def run(*args):
    p = subprocess.run([NETINV, *args], capture_output=True, text=True, timeout=120)
    return p.returncode, p.stdout, p.stderr


def main():
    if not shutil.which("openssl"):
        print("openssl not installed: skipped")
        return 77
    tmp = tempfile.mkdtemp(prefix="nheol-")
    try:
        return body(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def body(tmp):
    make_certs(tmp)
    base = "/api/v1/products/"
    ROUTES.update({
        base + "ubuntu/": (200, newer("ubuntu")),
        base + "debian/": (200, newer("debian")),
        base + "fortios/": (200, doc("fortios")[:700]),          # broken: cut short
        base + "panos/": (500, b'{"error": "internal"}'),
        base + "esxi/": (200, newer("debian")),                   # names another product
        base + "linux/": (200, b" " * (4 * 1024 * 1024 + 10) + doc("linux")),  # over the cap
    })
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(os.path.join(tmp, "srv.pem"), os.path.join(tmp, "srv.key"))
    srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    url = f"https://127.0.0.1:{srv.server_address[1]}{base}"
    ca = os.path.join(tmp, "ca.pem")
    state = os.path.join(tmp, "state")
    tables = os.path.join(state, "eol")
    os.makedirs(tables)
    # Old tables that the failing downloads must leave alone.
    old = {}
    for p in ("fortios", "panos", "ubuntu"):
        old[p] = doc(p)
        with open(os.path.join(tables, p + ".json"), "wb") as f:
            f.write(old[p])
    common = ["--state-dir", state, "--base-url", url, "--ca-file", ca, "--timeout", "20"]

    rc, out, err = run("eol", "update", *common,
                       "ubuntu", "debian", "fortios", "panos", "esxi", "linux")
    check(rc == 1, f"mixed update exits 1, got {rc}: {err}")

    def content(p):
        try:
            with open(os.path.join(tables, p + ".json"), "rb") as f:
                return f.read()
        except FileNotFoundError:
            return None

    check(content("ubuntu") == newer("ubuntu"), "ubuntu replaced by the download")
    check(content("debian") == newer("debian"), "debian written by the download")
    check(content("fortios") == old["fortios"], "fortios (broken document) kept whole")
    check(content("panos") == old["panos"], "panos (HTTP 500) kept whole")
    check(content("esxi") is None, "esxi (wrong product) not written")
    check(content("linux") is None, "linux (over 4 MiB) not written")
    check(sorted(os.listdir(tables)) == ["debian.json", "fortios.json", "panos.json", "ubuntu.json"],
          f"no temporary files left: {os.listdir(tables)}")
    for p, why in (("fortios", "valid API v1"), ("panos", "HTTP status 500"),
                   ("esxi", "names product 'debian'"), ("linux", "larger than")):
        check(any(p in l and why in l for l in err.splitlines()), f"{p}: '{why}' reported: {err}")

    # The downloaded table is the one judged (state dir after the shipped ones).
    rc, out, err = run("eol", "check", "--state-dir", state, "--distro-info-dir", tmp,
                       "--as-of", "2026-11-22", "ubuntu", "20.04", "--json")
    v = json.loads(out) if rc == 0 else {}
    check(v.get("status") == "supported" and v.get("date") == "2099-01-01",
          f"check reads the updated table: {out} {err}")
    check(v.get("source", "").startswith(tables), f"source names the state table: {out}")

    rc, out, err = run("eol", "update", *common, "ubuntu", "debian")
    check(rc == 0, f"good update exits 0, got {rc}: {err}")

    # TLS is verified: without our CA the server is not trusted.
    before = content("ubuntu")
    ROUTES[base + "ubuntu/"] = (200, newer("debian"))
    rc, out, err = run("eol", "update", "--state-dir", state, "--base-url", url, "ubuntu")
    check(rc == 1, f"untrusted certificate exits 1, got {rc}")
    check(content("ubuntu") == before, "untrusted server changes nothing")

    # Usage errors.
    rc, out, err = run("eol", "update", "--state-dir", state, "--base-url",
                       url.replace("https:", "http:"), "ubuntu")
    check(rc == 2, f"http:// base URL is a usage error, got {rc}")
    rc, out, err = run("eol", "check", "ubuntu")
    check(rc == 2, f"check without VERSION is a usage error, got {rc}")
    rc, out, err = run("eol", "check", "--as-of", "2026-02-30", "ubuntu", "20.04")
    check(rc == 2, f"bad --as-of is a usage error, got {rc}")
    rc, out, err = run("eol", "update", *common, "../etc")
    check(rc == 1 and "not a product id" in err, f"path-like product refused: {rc} {err}")

    srv.shutdown()
    print("ok" if not failures else f"{failures} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
