"""One person's browser: cookies, the login form, a request per page."""

from __future__ import annotations

import gzip
import http.client
import re
from http.cookies import SimpleCookie
from urllib.parse import urlencode

from .options import HOST
from .plan import Account

LOGIN_PATH = "/masuk/"
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


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


def log_in(browser: Browser, account: Account) -> str:
    """Logs in through the form; returns "" or what went wrong."""
    status, _, content = browser.request("GET", LOGIN_PATH)
    token = CSRF_INPUT.search(content.decode(errors="replace"))
    if status != 200 or not token:
        return f"login page answered {status}" + ("" if token else " without a CSRF token")
    form = {
        "username": account.username,
        "password": account.password,
        "csrfmiddlewaretoken": token.group(1),
        "next": "",
    }
    status, location, _ = browser.request("POST", LOGIN_PATH, form=form, referer=LOGIN_PATH)
    if status != 302 or location.startswith(LOGIN_PATH):
        return f"login of {account.role} answered {status} (to {location or 'nowhere'})"
    status, location, _ = browser.request("GET", "/")
    home = account.pages[0].path
    if status != 302 or location != home:
        return f"{account.role}'s start page went to {location or status}, not {home}"
    return ""


def is_failure(status: int, location: str) -> bool:
    return status >= 400 or (300 <= status < 400 and location.startswith(LOGIN_PATH))
