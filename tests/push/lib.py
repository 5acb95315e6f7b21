"""lib.py - shared pieces of the push tests: certificates, the register
process, documents, running netinv push."""
import json, os, shutil, socket, subprocess, sys, tempfile, time, uuid

HERE = os.path.dirname(os.path.abspath(__file__))
NETINV = os.environ.get("NETINV_BIN", "netinv")


def skip(why):
    print(f"skipped: {why}", file=sys.stderr)
    sys.exit(77)


def openssl(*a, cwd):
    subprocess.run(["openssl", *a], cwd=cwd, check=True, capture_output=True)


def make_ca(d, name):
    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", f"{name}.key", "-out", f"{name}.pem", "-days", "2", "-subj", f"/CN={name}",
            cwd=d)


def make_cert(d, name, ca, san="IP:127.0.0.1", usage="serverAuth"):
    """A key and a certificate for 127.0.0.1 (or a client), signed by ca."""
    openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", f"{name}.key", "-out", f"{name}.csr", "-subj", f"/CN={name}", cwd=d)
    with open(os.path.join(d, f"{name}.ext"), "w") as f:
        f.write(f"subjectAltName={san}\nextendedKeyUsage={usage}\n")
    openssl("x509", "-req", "-in", f"{name}.csr", "-CA", f"{ca}.pem", "-CAkey", f"{ca}.key",
            "-CAcreateserial", "-out", f"{name}.pem", "-days", "2", "-extfile", f"{name}.ext", cwd=d)
    os.chmod(os.path.join(d, f"{name}.key"), 0o600)


def certs(d):
    """ca + server (right), wrongca + wrong (a stranger's), client (mutual TLS)."""
    if not shutil.which("openssl"):
        skip("no openssl")
    make_ca(d, "ca")
    make_cert(d, "server", "ca")
    make_ca(d, "wrongca")
    make_cert(d, "wrong", "wrongca")
    make_cert(d, "client", "ca", san="DNS:netinv-agent", usage="clientAuth")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


class Register:
    def __init__(self, d, tls=True, token=None, client_ca=False, keep_bodies=False, name="reg", oauth=None):
        self.d = d
        self.log = os.path.join(d, f"{name}.log")
        self.control_file = os.path.join(d, f"{name}.control")
        port_file = os.path.join(d, f"{name}.port")
        self.set({"mode": "ok"})
        cmd = [sys.executable, os.path.join(HERE, "register.py"), "--port-file", port_file,
               "--log", self.log, "--control", self.control_file]
        if tls:
            cmd += ["--cert", os.path.join(d, "server.pem"), "--key", os.path.join(d, "server.key"),
                    "--wrong-cert", os.path.join(d, "wrong.pem"), "--wrong-key", os.path.join(d, "wrong.key")]
        if client_ca:
            cmd += ["--client-ca", os.path.join(d, "ca.pem")]
        if token:
            cmd += ["--token", token]
        if keep_bodies:
            cmd += ["--keep-bodies"]
        if oauth:
            cmd += ["--oauth", oauth]
        self.proc = subprocess.Popen(cmd)
        for _ in range(200):
            if os.path.exists(port_file):
                break
            time.sleep(0.02)
        else:
            self.stop()
            raise RuntimeError("register did not start")
        self.port = int(open(port_file).read())
        self.base = f"{'https' if tls else 'http'}://127.0.0.1:{self.port}"
        self.url = self.base + "/front/inventory.php"

    def set(self, c):
        tmp = self.control_file + ".tmp"
        with open(tmp, "w") as f:
            json.dump(c, f)
        os.rename(tmp, self.control_file)

    def records(self):
        if not os.path.exists(self.log):
            return []
        with open(self.log) as f:
            return [json.loads(l) for l in f]

    def stop(self):
        self.proc.terminate()
        self.proc.wait(5)


def base_document():
    """A real netinv document: netinv on a capture from the tests."""
    cap = os.path.join(os.environ.get("NETINV_TEST_CAPTURES", os.path.join(HERE, "..", "captures")),
                       "lab-30s.pcap")
    r = subprocess.run([NETINV, "scan", "--read", cap, "--format", "json", "--oui", "none"],
                       capture_output=True, text=True, check=True)
    return json.loads(r.stdout)


def write_doc(d, base, i):
    doc = dict(base)
    doc["scan"] = dict(base["scan"], id=str(uuid.uuid4()))
    path = os.path.join(d, f"scan-{i:04d}.json")
    with open(path, "w") as f:
        json.dump(doc, f)
    return path, doc["scan"]["id"]


def push(*a, env=None, timeout=60):
    e = dict(os.environ)
    e.pop("NETINV_TOKEN", None)
    if env:
        e.update(env)
    return subprocess.run([NETINV, "push", *a], capture_output=True, text=True, env=e, timeout=timeout)


def spooled(spool):
    if not os.path.isdir(spool):
        return []
    return sorted(f for f in os.listdir(spool) if f.endswith(".json"))


class Check:
    def __init__(self):
        self.failures = 0

    def __call__(self, cond, what):
        print(("ok   " if cond else "FAIL ") + what)
        if not cond:
            self.failures += 1
        return cond
