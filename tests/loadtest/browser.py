"""A plain HTTP client for the server under load: its health check before Locust starts."""

from __future__ import annotations

import gzip
import http.client
from http.cookies import SimpleCookie
from urllib.parse import urlencode

from .options import HOST


class Browser:
    """Cookies and requests of one person, a new loopback connection per request (no keep-alive retry
    can hide a failure). Sends what a TLS proxy in front of gunicorn would add."""

    def __init__(self, port: int):
        self.port = port
        self.origin = f"https://{HOST}:{port}"
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, *, form: dict | None = None, referer: str = "") -> tuple:
        headers = {
            "Host": f"{HOST}:{self.port}",
            "X-Forwarded-Proto": "https",
            "Accept": "text/html,application/xhtml+xml",
            "Accept-Encoding": "gzip",
            "Accept-Language": "id",
            "User-Agent": "mutu-loadtest",
            "Connection": "close",
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form).encode()
            headers.update(
                {
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Origin": self.origin,
                    "Referer": self.origin + (referer or path),
                }
            )
        conn = http.client.HTTPConnection(HOST, self.port, timeout=30)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            content = response.read()
            for raw in response.headers.get_all("Set-Cookie") or []:
                self._store(raw)
            if response.headers.get("Content-Encoding") == "gzip":
                content = gzip.decompress(content)
            return response.status, response.headers.get("Location", ""), content
        finally:
            conn.close()

    def _store(self, raw: str) -> None:
        cookie = SimpleCookie()
        cookie.load(raw)
        for name, morsel in cookie.items():
            if morsel["max-age"] == "0" or (morsel["expires"] and "1970" in morsel["expires"]):
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = morsel.value
