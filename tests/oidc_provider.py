"""A real OpenID Connect provider for the tests: ``oidc-provider-mock`` in its own process.

Run as ``python -m tests.oidc_provider PORT [TOKEN_MAX_AGE_SECONDS]``. The package's own
command serves through uvicorn's WSGI mode, which imports a websockets newer than the one
pyppeteer pins; werkzeug's threaded server runs the very same provider app instead.
A negative max age makes the provider sign ID tokens that are already expired.

``TamperingProxy`` stands between the dashboard and a provider, passing everything through
(the Host header too, so the provider names the proxy as its issuer) and, when told, spoils
the ID token of the token answer: an attacker rewriting the token in transit.
"""

from __future__ import annotations

import base64
import json
import os
import socket
import subprocess
import sys
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx

_PROJECT_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ProviderProcess:
    """``with ProviderProcess() as url:`` a provider answering at ``url`` until the block ends."""

    def __init__(self, token_max_age_seconds: int = 3600) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.max_age = token_max_age_seconds
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> str:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.oidc_provider", str(self.port), str(self.max_age)],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=_PROJECT_ROOT)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("provider exited: " + self.process.stderr.read().decode()[-2000:])
            try:
                if httpx.get(self.url + "/.well-known/openid-configuration",
                             timeout=1).status_code == 200:
                    return self.url
            except httpx.HTTPError:
                time.sleep(0.1)
        self.__exit__()
        raise RuntimeError("provider did not answer in 20 s")

    def __exit__(self, *_exc) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()


def set_user(provider_url: str, sub: str, claims: dict) -> None:
    """Tell the provider who ``sub`` is (its claims, e.g. ``{"roles": ["picker"]}``)."""
    response = httpx.put(f"{provider_url}/users/{sub}", json=claims, timeout=5)
    assert response.status_code == 204, response.text


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def spoil(id_token: str, how: str) -> str:
    header, payload, signature = id_token.split(".")
    if how == "payload":  # promote oneself to admin, keep the provider's signature
        claims = json.loads(_unb64(payload))
        claims["roles"] = ["admin"]
        return ".".join([header, _b64(json.dumps(claims).encode()), signature])
    if how == "signature":  # same claims, a signature that is not the provider's
        raw = bytearray(_unb64(signature))
        raw[len(raw) // 2] ^= 0xFF
        return ".".join([header, payload, _b64(bytes(raw))])
    raise ValueError(how)


class TamperingProxy:
    """A pass-through proxy to ``upstream``; ``tamper`` = None, "payload" or "signature"."""

    _SKIP = {"transfer-encoding", "content-length", "connection", "content-encoding"}

    def __init__(self, upstream: str) -> None:
        self.upstream = upstream
        self.tamper: str | None = None
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def _forward(self):
                body = self.rfile.read(int(self.headers.get("content-length") or 0))
                headers = {k: v for k, v in self.headers.items()
                           if k.lower() not in proxy._SKIP}
                answer = httpx.request(self.command, proxy.upstream + self.path,
                                       headers=headers, content=body, timeout=10)
                content = answer.content
                if proxy.tamper and self.path.startswith("/oauth2/token"):
                    data = answer.json()
                    data["id_token"] = spoil(data["id_token"], proxy.tamper)
                    content = json.dumps(data).encode()
                self.send_response(answer.status_code)
                for key, value in answer.headers.items():
                    if key.lower() not in proxy._SKIP:
                        self.send_header(key, value)
                self.send_header("content-length", str(len(content)))
                self.end_headers()
                self.wfile.write(content)

            do_GET = do_POST = do_PUT = _forward

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> TamperingProxy:
        self.thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self.server.shutdown()
        self.server.server_close()


def _serve(port: int, token_max_age_seconds: int) -> None:
    import werkzeug.serving

    import oidc_provider_mock

    os.environ["AUTHLIB_INSECURE_TRANSPORT"] = "1"  # plain http on the loopback, for tests
    app = oidc_provider_mock.app(access_token_max_age=timedelta(seconds=token_max_age_seconds))
    werkzeug.serving.make_server("127.0.0.1", port, app, threaded=True).serve_forever()


if __name__ == "__main__":
    _serve(int(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 3600)
