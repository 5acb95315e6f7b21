#!/usr/bin/env python3
"""register.py - a central register for netinv's push tests (standard library
only). It records what it receives and fails on demand.

    register.py --port-file F --log F --control F [--cert C --key K
                [--wrong-cert C2 --wrong-key K2] [--client-ca CA]] [--token T]
                [--oauth ID:SECRET] [--keep-bodies] [--raw]

Listens on 127.0.0.1 (an ephemeral port, written to --port-file), HTTPS when
--cert is given. Every POST is appended to --log as one JSON line:
  {"n", "key", "stored", "fault", "status", "ctype", "cenc", "auth", "agent",
   "path", "wire" (body bytes as received), "body"}
where body is the decompressed request (JSON-decoded when it is JSON).
A document is stored once per Idempotency-Key: a repeat is answered 200
("duplicate") and not stored again, as a register that de-duplicates does.

--control is re-read on every request; a JSON object:
  {"mode": "ok"}                         answer 200
  {"mode": "fail", "fault": F}           always fault F
  {"mode": "random", "p": 0.3, "seed": 1, "faults": [F, ...]}
  {"mode": "seq", "faults": [F, ...]}    one fault per request, then ok
Faults:
  "500", "503"        answer that status (the document is not stored)
  "429"               429 with Retry-After (control "retry_after", default 1)
  "stall"             store it, then say nothing for "stall" seconds and close
  "drop"              store it, then close the connection without answering
  "reset"             close the connection before reading the body
  "wrongcert"         (TLS only) present --wrong-cert for this connection
  "400"               answer 400 (a document the register refuses)
With --token, anything but "Authorization: Bearer <token>" gets 401.
With --oauth ID:SECRET, POST .../api.php/token with GLPI 11's client
credentials JSON issues tokens (RFC 6749 §4.4); inventory requests need one
of them. Control "token_uses": N makes each token good for N requests (a
token that expires mid-run).
"""
import argparse, gzip, json, os, random, socket, ssl, sys, threading, time, zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

lock = threading.Lock()
state = {"n": 0, "stored": set(), "rng": None, "seed": None, "seq": 0, "tokens": {}, "issued": 0}


def control():
    try:
        with open(args.control) as f:
            return json.load(f)
    except (OSError, ValueError):
        return {"mode": "ok"}


def pick_fault(c, allowed=None):
    """The fault for this request (or connection), or None."""
    mode = c.get("mode", "ok")
    faults = c.get("faults", ["500"])
    if allowed is not None:
        faults = [f for f in faults if f in allowed]
    with lock:
        if mode == "fail":
            f = c.get("fault", "500")
            return f if allowed is None or f in allowed else None
        if mode == "random" and faults:
            if state["seed"] != c.get("seed", 1):
                state["seed"] = c.get("seed", 1)
                state["rng"] = random.Random(state["seed"])
            # p is per request; a connection-level fault splits it.
            if state["rng"].random() < c.get("p", 0.3):
                return state["rng"].choice(faults)
        if mode == "seq" and (allowed is None or "wrongcert" not in allowed):
            i = state["seq"]
            state["seq"] += 1
            if i < len(faults):
                return faults[i]
    return None


def log(rec):
    with lock:
        with open(args.log, "a") as f:
            f.write(json.dumps(rec) + "\n")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body leave in one write (handle_one_request flushes);
    # unbuffered, Nagle and delayed ACK cost 40 ms per kept-alive request.
    wbufsize = -1

    def log_message(self, fmt, *a):  # quiet
        pass

    def answer(self, status, body, extra=()):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in extra:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        self.answer(405, {"status": "error", "message": "POST only"})

    def token_endpoint(self):
        raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        try:
            req = json.loads(raw)
        except ValueError:
            req = {}
        cid, _, secret = args.oauth.partition(":")
        ok = (req.get("grant_type") == "client_credentials" and req.get("client_id") == cid and
              req.get("client_secret") == secret and req.get("scope") == "inventory" and
              self.headers.get("Content-Type") == "application/json")
        log({"n": 0, "key": "", "fault": None, "stored": False, "path": self.path, "token_request": True,
             "status": 200 if ok else 401})
        if not ok:
            self.answer(401, {"error": "invalid_client"})
            return
        with lock:
            state["issued"] += 1
            tok = f"tok-{state['issued']}.x_y~z+/=="
            state["tokens"][tok] = control().get("token_uses", 1 << 30)
        self.answer(200, {"token_type": "Bearer", "access_token": tok, "expires_in": 3600})

    def auth_ok(self):
        auth = self.headers.get("Authorization", "")
        if args.oauth:
            tok = auth[7:] if auth.startswith("Bearer ") else ""
            with lock:
                left = state["tokens"].get(tok, 0)
                if left <= 0:
                    return False
                state["tokens"][tok] = left - 1
                return True
        return args.token is None or auth == "Bearer " + args.token

    def do_POST(self):
        if args.oauth and self.path.endswith("/api.php/token"):
            self.token_endpoint()
            return
        c = control()
        fault = pick_fault(c, allowed={"500", "503", "429", "stall", "drop", "reset", "400"})
        with lock:
            state["n"] += 1
            n = state["n"]
        key = self.headers.get("Idempotency-Key", "")
        rec = {"n": n, "key": key, "fault": fault, "stored": False, "path": self.path,
               "ctype": self.headers.get("Content-Type", ""),
               "cenc": self.headers.get("Content-Encoding", ""),
               "agent": self.headers.get("GLPI-Agent-ID", ""), "status": None}
        if fault == "reset":
            log(rec)
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        length = int(self.headers.get("Content-Length", "0"))
        raw = self.rfile.read(length)
        rec["wire"] = length
        if args.raw:
            # Benchmark: the client's time, not the register's JSON parser.
            rec["status"] = 200
            log(rec)
            self.answer(200, {"status": "ok"})
            return
        rec["auth"] = "ok" if self.auth_ok() else "bad"
        authz = self.headers.get("Authorization", "")
        # The scheme, and for Basic the credentials (test values only).
        rec["authz"] = authz if authz.startswith("Basic ") else authz.split(" ")[0]
        try:
            if rec["cenc"] == "gzip" or rec["ctype"] == "application/x-compress-gzip":
                raw = gzip.decompress(raw)
            elif rec["ctype"] == "application/x-compress-zlib":
                raw = zlib.decompress(raw)
            body = json.loads(raw)
        except (OSError, ValueError, EOFError) as e:
            rec["status"] = 400
            rec["error"] = str(e)
            log(rec)
            self.answer(400, {"status": "error", "message": "JSON not well formed!"})
            return
        rec["body"] = body if args.keep_bodies else _summary(body)
        if rec["auth"] != "ok":
            rec["status"] = 401
            log(rec)
            self.answer(401, {"status": "error", "message": "Authorization required"},
                        [("WWW-Authenticate", 'Bearer realm="register"')])
            return
        if fault in ("500", "503", "400"):
            rec["status"] = int(fault)
            log(rec)
            self.answer(int(fault), {"status": "error", "message": "injected " + fault})
            return
        if fault == "429":
            rec["status"] = 429
            log(rec)
            self.answer(429, {"status": "error", "message": "slow down"},
                        [("Retry-After", str(c.get("retry_after", 1)))])
            return
        with lock:
            dup = key in state["stored"]
            if not dup:
                state["stored"].add(key)
        rec["stored"] = not dup
        if fault in ("stall", "drop"):
            log(rec)
            if fault == "stall":
                time.sleep(c.get("stall", 1.5))
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        rec["status"] = 200
        log(rec)
        self.answer(200, {"status": "ok", "duplicate": dup} if key else {"RESPONSE": "SEND"})


def _summary(body):
    """What the tests check, without keeping 200 full documents."""
    if isinstance(body, dict) and body.get("schema") == "netinv/1":
        return {"schema": body["schema"], "scan_id": body.get("scan", {}).get("id"),
                "agent": body.get("agent"), "spool_dropped": body.get("scan", {}).get("spool_dropped"),
                "devices": len(body.get("devices", []))}
    return body


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def get_request(self):
        sock, addr = self.socket.accept()
        if self.tls is None:
            return sock, addr
        sock.settimeout(5)
        # The handshake here, so that a failing one only loses this client.
        return self.tls.wrap_socket(sock, server_side=True), addr

    def handle_error(self, request, client_address):
        pass  # clients that go away are part of the test


def main():
    global args
    ap = argparse.ArgumentParser()
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--control", required=True)
    ap.add_argument("--cert")
    ap.add_argument("--key")
    ap.add_argument("--wrong-cert")
    ap.add_argument("--wrong-key")
    ap.add_argument("--client-ca")
    ap.add_argument("--token")
    ap.add_argument("--oauth", help="ID:SECRET of the one OAuth client")
    ap.add_argument("--keep-bodies", action="store_true")
    ap.add_argument("--raw", action="store_true", help="do not decode bodies (benchmarks)")
    args = ap.parse_args()

    srv = Server(("127.0.0.1", 0), Handler)
    srv.tls = None
    if args.cert:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(args.cert, args.key)
        if args.client_ca:
            ctx.verify_mode = ssl.CERT_REQUIRED
            ctx.load_verify_locations(args.client_ca)
        if args.wrong_cert:
            wrong = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            wrong.load_cert_chain(args.wrong_cert, args.wrong_key)

            def sni(sslsock, name, orig):
                if pick_fault(control(), allowed={"wrongcert"}) == "wrongcert":
                    log({"n": 0, "key": "", "fault": "wrongcert", "stored": False, "status": None})
                    sslsock.context = wrong
            ctx.sni_callback = sni
        srv.tls = ctx
    tmp = args.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(srv.server_address[1]))
    os.rename(tmp, args.port_file)
    srv.serve_forever()


if __name__ == "__main__":
    main()
