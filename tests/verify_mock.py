#!/usr/bin/env python3
"""verify_mock.py - local stand-ins for the providers `leakgate --verify` asks.

For tests only, with no internet: one HTTP server per provider on a loopback
port, each answering its provider's "who am I" path the way the real API
does: 200 (or the provider's own "live" answer) with an identity for the
right credentials, the provider's refusal for wrong ones. It checks the
method, the path and where the credential sits (header, basic auth, path,
query, form, AWS SigV4 - whose signature it recomputes with the secret it
was told), so a request that would not work against the real API does not
work here either.

    verify_mock.py --config CONFIG.json --log LOG.jsonl --override-file FILE

CONFIG: {"credentials": {PROVIDER: {CREDENTIAL: BEHAVIOUR}},
         "aws": {ACCESS_KEY_ID: SECRET_ACCESS_KEY}}
CREDENTIAL is what the request carries: the header's value without its
prefix, "user:password" for basic auth, the path's tail, the query value.
BEHAVIOUR: "ok", "429" (with Retry-After: 1), "500", "slow" (answers after
4 s), "hold" (answers after 1 s, so requests that leakgate lets run at once
overlap), "redirect" (302 to another loopback server, the "elsewhere" one,
which logs any request that reaches it). Anything else gets the refusal.

Writes LEAKGATE_VERIFY_OVERRIDE's value (every provider) to --override-file
and logs each request as a JSON line: provider, method, path, headers, body,
inflight: how many of that provider's requests were open, this one
included, when it arrived, and arrived: when (monotonic seconds).
"""
import argparse
import base64
import hashlib
import hmac
import json
import re
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def ident(provider):
    return "mock-%s-identity" % provider


# PROVIDER: (method, path regex, credential, live answer, refusal)
# credential: ("header", NAME, PREFIX) | ("basic",) | ("path",) |
#             ("query", NAME) | ("sigv4",)
# The live answer is (status, body); the refusal (status, body).
def bearer(name="Authorization", prefix="Bearer "):
    return ("header", name, prefix)


PROVIDERS = {
    "twilio": ("GET", r"/2010-04-01/Accounts\.json", ("basic",),
               (200, {"accounts": [{"friendly_name": ident("twilio"), "status": "active"}]}),
               (401, {"code": 20003, "message": "Authenticate"})),
    "github": ("GET", r"/user", bearer(prefix="token "),
               (200, {"login": ident("github"), "id": 1}),
               (401, {"message": "Bad credentials"})),
    "gitlab": ("GET", r"/api/v4/user", bearer("PRIVATE-TOKEN", ""),
               (200, {"username": ident("gitlab")}), (401, {"message": "401 Unauthorized"})),
    "slack": ("GET", r"/api/auth\.test", bearer(),
              (200, {"ok": True, "user": ident("slack"), "team": "T"}),
              (200, {"ok": False, "error": "invalid_auth"})),
    "slack-webhook": ("POST", r"/services/(T[A-Z0-9]+/B[A-Z0-9]+/[A-Za-z0-9]+)", ("path",),
                      (400, "no_text"), (404, "no_service")),
    "stripe": ("GET", r"/v1/account", bearer(),
               (200, {"id": ident("stripe"), "object": "account"}),
               (401, {"error": {"type": "invalid_request_error"}})),
    "sendgrid": ("GET", r"/v3/scopes", bearer(), (200, {"scopes": ["mail.send"]}),
                 (401, {"errors": [{"message": "authorization required"}]})),
    "openai": ("GET", r"/v1/(models|organization/projects\?limit=1)", bearer(),
               (200, {"object": "list", "data": []}),
               (401, {"error": {"code": "invalid_api_key"}})),
    "anthropic": ("GET", r"/v1/(models|organizations/me)", bearer("x-api-key", ""),
                  (200, {"data": [], "name": ident("anthropic")}),
                  (401, {"type": "error", "error": {"type": "authentication_error"}})),
    "elevenlabs": ("GET", r"/v1/user", bearer("xi-api-key", ""),
                   (200, {"user_id": ident("elevenlabs")}), (401, {"detail": {"status": "invalid_api_key"}})),
    "huggingface": ("GET", r"/api/whoami-v2", bearer(), (200, {"name": ident("huggingface")}),
                    (401, {"error": "Invalid credentials in Authorization header"})),
    "groq": ("GET", r"/openai/v1/models", bearer(), (200, {"data": []}), (401, {"error": {}})),
    "mistral": ("GET", r"/v1/models", bearer(), (200, {"data": []}), (401, {"message": "Unauthorized"})),
    "replicate": ("GET", r"/v1/account", bearer(), (200, {"username": ident("replicate")}),
                  (401, {"detail": "Invalid token."})),
    "xai": ("GET", r"/v1/api-key", bearer(), (200, {"name": ident("xai")}), (401, {"error": "bad key"})),
    "npm": ("GET", r"/-/whoami", bearer(), (200, {"username": ident("npm")}), (401, {})),
    "pypi": ("POST", r"/legacy/", ("basic",), (400, "Error: missing file"),
             (403, "Invalid or non-existent authentication information.")),
    "google": ("GET", r"/v1beta/models\?.*", ("query", "key"), (200, {"models": []}),
               (400, {"error": {"status": "INVALID_ARGUMENT", "message": "API key not valid"}})),
    "mailgun": ("GET", r"/v3/domains\?limit=1", ("basic",),
                (200, {"items": [{"name": ident("mailgun")}]}), (401, "Forbidden")),
    "discord": ("GET", r"/api/(v10/users/@me|webhooks/([0-9]+/[A-Za-z0-9_-]+))", None,
                (200, {"username": ident("discord"), "name": ident("discord")}),
                (401, {"message": "401: Unauthorized", "code": 0})),
    "telegram": ("GET", r"/bot([0-9]+:[A-Za-z0-9_-]+)/getMe", ("path",),
                 (200, {"ok": True, "result": {"username": ident("telegram")}}),
                 (401, {"ok": False, "error_code": 401, "description": "Unauthorized"})),
    "datadog": ("GET", r"/api/v1/validate", bearer("DD-API-KEY", ""), (200, {"valid": True}),
                (403, {"errors": ["Forbidden"]})),
    "digitalocean": ("GET", r"/v2/account", bearer(), (200, {"account": {"email": ident("digitalocean")}}),
                     (401, {"id": "unauthorized"})),
    "heroku": ("GET", r"/account", bearer(), (200, {"email": ident("heroku")}),
               (401, {"id": "unauthorized"})),
    "cloudflare": ("GET", r"/client/v4/user/tokens/verify", bearer(),
                   (200, {"success": True, "result": {"status": ident("cloudflare")}}),
                   (401, {"success": False, "errors": [{"code": 1000}]})),
    "linear": ("POST", r"/graphql", bearer(prefix=""),
               (200, {"data": {"viewer": {"email": ident("linear")}}}),
               (400, {"errors": [{"message": "Authentication required"}]})),
    "notion": ("GET", r"/v1/users/me", bearer(), (200, {"object": "user", "name": ident("notion")}),
               (401, {"code": "unauthorized"})),
    "postman": ("GET", r"/me", bearer("X-Api-Key", ""), (200, {"user": {"username": ident("postman")}}),
                (401, {"error": {"name": "AuthenticationError"}})),
    "sentry": ("GET", r"/api/0/organizations/", bearer(), (200, [{"slug": ident("sentry")}]),
               (401, {"detail": "Invalid token"})),
    "airtable": ("GET", r"/v0/meta/whoami", bearer(), (200, {"id": ident("airtable")}),
                 (401, {"error": {"type": "AUTHENTICATION_REQUIRED"}})),
    "asana": ("GET", r"/api/1\.0/users/me", bearer(), (200, {"data": {"email": ident("asana")}}),
              (401, {"errors": [{"message": "Not Authorized"}]})),
    "figma": ("GET", r"/v1/me", bearer("X-Figma-Token", ""), (200, {"email": ident("figma")}),
              (403, {"status": 403, "err": "Invalid token"})),
    "netlify": ("GET", r"/api/v1/user", bearer(), (200, {"email": ident("netlify")}),
                (401, {"code": 401, "message": "Access Denied"})),
    "doppler": ("GET", r"/v3/me", bearer(), (200, {"name": ident("doppler")}),
                (401, {"messages": ["Invalid Auth token"], "success": False})),
    "circleci": ("GET", r"/api/v2/me", bearer("Circle-Token", ""), (200, {"login": ident("circleci")}),
                 (401, {"message": "You must log in first."})),
    "terraform-cloud": ("GET", r"/api/v2/account/details", bearer(),
                        (200, {"data": {"attributes": {"username": ident("terraform-cloud")}}}),
                        (401, {"errors": [{"status": "401"}]})),
    "vercel": ("GET", r"/v2/user", bearer(), (200, {"user": {"username": ident("vercel")}}),
               (403, {"error": {"code": "forbidden"}})),
    "typeform": ("GET", r"/me", bearer(), (200, {"alias": ident("typeform")}),
                 (401, {"code": "AUTHENTICATION_FAILED"})),
    "snyk": ("GET", r"/v1/user/me", bearer(prefix="token "), (200, {"username": ident("snyk")}),
             (401, {"code": 401, "message": "Invalid auth token"})),
    "aws": ("POST", r"/", ("sigv4",),
            (200, {"GetCallerIdentityResponse": {"GetCallerIdentityResult": {
                "Arn": "arn:aws:iam::123456789012:user/" + ident("aws"),
                "Account": "123456789012", "UserId": "AIDAEXAMPLE"}}}),
            (403, {"Error": {"Code": "InvalidClientTokenId"}})),
}


def sigv4_credential(handler, body, secrets):
    """The access key id when the request's SigV4 signature is right."""
    auth = handler.headers.get("Authorization", "")
    m = re.match(r"AWS4-HMAC-SHA256 Credential=([^/]+)/(\d{8})/([^/]+)/([^/]+)/aws4_request, "
                 r"SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$", auth)
    if not m:
        return None
    akid, date, region, service, signed, sig = m.groups()
    if akid not in secrets:
        return "unknown:" + akid
    path, _, query = handler.path.partition("?")
    names = signed.split(";")
    canon = "".join("%s:%s\n" % (n, " ".join(handler.headers.get(n, "").split())) for n in names)
    params = sorted(p if "=" in p else p + "=" for p in query.split("&") if p)
    creq = "\n".join([handler.command, path, "&".join(params), canon, signed,
                      hashlib.sha256(body).hexdigest()])
    amz_date = handler.headers.get("X-Amz-Date", "")
    scope = "%s/%s/%s/aws4_request" % (date, region, service)
    sts = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(creq.encode()).hexdigest()])
    key = ("AWS4" + secrets[akid]).encode()
    for part in (date, region, service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    want = hmac.new(key, sts.encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(want, sig) or region != "us-east-1" or service != "sts":
        return "badsig:" + akid
    if body != b"Action=GetCallerIdentity&Version=2011-06-15":
        return "badbody:" + akid
    return akid


def credential(provider, handler, match, body, config):
    how = PROVIDERS[provider][2]
    if provider == "discord":  # a bot token in a header, or a webhook's path
        if match.group(2):
            return match.group(2)
        how = bearer(prefix="Bot ")
    kind = how[0]
    if kind == "header":
        v = handler.headers.get(how[1])
        if v is None or not v.startswith(how[2]):
            return None
        return v[len(how[2]):]
    if kind == "basic":
        v = handler.headers.get("Authorization", "")
        if not v.startswith("Basic "):
            return None
        return base64.b64decode(v[6:]).decode("utf-8", "replace")
    if kind == "path":
        return urllib.parse.unquote(match.group(1))
    if kind == "query":
        q = urllib.parse.parse_qs(urllib.parse.urlsplit(handler.path).query)
        return q.get(how[1], [None])[0]
    if kind == "sigv4":
        return sigv4_credential(handler, body, config.get("aws", {}))
    return None


def make_handler(provider, config, log, lock, elsewhere):
    inflight = [0]  # this provider's requests being answered now

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def answer(self, status, body, headers=()):
            data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
            self.send_response(status)
            for k, v in headers:
                self.send_header(k, v)
            self.send_header("Content-Type", "text/plain" if isinstance(body, str) else "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if self.command != "HEAD":
                try:
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a time-out test)

        def handle_any(self):
            n = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(n) if n else b""
            with lock:
                inflight[0] += 1
                log.write(json.dumps({"provider": provider, "method": self.command, "path": self.path,
                                      "headers": dict(self.headers.items()),
                                      "body": body.decode("utf-8", "replace"),
                                      "inflight": inflight[0], "arrived": time.monotonic()}) + "\n")
                log.flush()
            try:
                return self.respond(body)
            finally:
                with lock:
                    inflight[0] -= 1

        def respond(self, body):
            if provider == "elsewhere":
                return self.answer(200, {"stolen": True})
            method, path_re, _, live, refusal = PROVIDERS[provider]
            m = re.fullmatch(path_re, self.path)
            if self.command != method or not m:
                return self.answer(404, {"error": "no such path on the mock: %s %s" % (self.command, self.path)})
            if provider == "pypi" and b"name=leakgate-verification-probe" not in body:
                return self.answer(400, "bad form")
            cred = credential(provider, self, m, body, config)
            behaviour = config.get("credentials", {}).get(provider, {}).get(cred)
            if behaviour == "ok":
                return self.answer(*live)
            if behaviour == "429":
                return self.answer(429, {"error": "rate limited"}, [("Retry-After", "1")])
            if behaviour == "500":
                return self.answer(500, {"error": "internal"})
            if behaviour == "slow":
                time.sleep(4)
                return self.answer(*live)
            if behaviour == "hold":
                time.sleep(1)
                return self.answer(*live)
            if behaviour == "redirect":
                return self.answer(302, "", [("Location", elsewhere + "/steal")])
            return self.answer(*refusal)

        do_GET = do_POST = do_HEAD = handle_any

    return Handler


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--config", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--override-file", required=True)
    a = ap.parse_args()
    config = json.load(open(a.config))
    log = open(a.log, "a")
    lock = threading.Lock()
    servers = []
    other = ThreadingHTTPServer(("127.0.0.1", 0), None)
    elsewhere = "http://127.0.0.1:%d" % other.server_address[1]
    other.RequestHandlerClass = make_handler("elsewhere", config, log, lock, elsewhere)
    servers.append(other)
    entries = []
    for name in PROVIDERS:
        s = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(name, config, log, lock, elsewhere))
        servers.append(s)
        entries.append("%s=http://127.0.0.1:%d" % (name, s.server_address[1]))
    for s in servers:
        s.daemon_threads = True
        threading.Thread(target=s.serve_forever, daemon=True).start()
    with open(a.override_file + ".tmp", "w") as f:
        f.write(",".join(entries) + "\n" + elsewhere + "\n")
    import os
    os.rename(a.override_file + ".tmp", a.override_file)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(main())
