"""Locust's people for `make loadtest` and `make bench-district` (run by `tests.loadtest.swarm`).

Each simulated person takes the next account of the plan the driver wrote (`LOAD_PLAN`, JSON from
`plan.build_plan`: role, username, password, pages), logs in through the real login form (CSRF token,
cookies) and then walks the pages of their role, one after another from a place of their own, pausing
0–2 × `THINK` seconds between clicks as a person reading the page. It speaks to gunicorn as the TLS
proxy in front of it would (`X-Forwarded-Proto: https`), so the production profile's secure cookies
are kept on plain loopback HTTP.

A request fails on an exception, a status >= 400, or a redirect to the login page. Logins are not in
Locust's statistics (a session of their own, its cookies handed to the person's); a failed login is
written with the window's length to the file `LOAD_RESULT` names; the driver adds them to the errors. The measured
window opens when every person has logged in (the statistics are reset then) and lasts `LOAD_DURATION`
seconds; each person then waits, without clicking, once every page of their role is in the statistics
(no page goes unchecked), and the last to finish ends the run.

For loads one machine cannot generate, the same file runs distributed (docs/deployment.md):
`locust -f tests/loadtest/locustfile.py --master` on one machine and `--worker --master-host=…` on
the others, each with the same `LOAD_PLAN`.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import time
from pathlib import Path

import gevent
import requests
from locust import HttpUser, between, events, task

LOGIN_PATH = "/masuk/"
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
PLAN = json.loads(Path(os.environ["LOAD_PLAN"]).read_text()) if os.environ.get("LOAD_PLAN") else []
THINK = float(os.environ.get("THINK", "1"))
DURATION = float(os.environ.get("LOAD_DURATION", "30"))
_arrivals = itertools.count()
_login_errors: list[str] = []
_window: dict[str, float] = {}
_done: set[int] = set()


_arrived: set[int] = set()


def _arrive(user: HttpUser) -> None:
    """One more person logged in (or failed to): when the last one is, the window opens and what came
    before (the first clicks of the early ones) leaves the statistics."""
    _arrived.add(id(user))
    if "end" not in _window and len(_arrived) >= user.environment.parsed_options.num_users:
        _window["end"] = time.monotonic() + DURATION
        user.environment.stats.reset_all()
        if os.environ.get("LOAD_RESULT"):  # the driver reads the server's CPU from now on
            Path(os.environ["LOAD_RESULT"]).with_suffix(".open").touch()


def is_failure(status: int, location: str) -> bool:
    return status >= 400 or (300 <= status < 400 and location.startswith(LOGIN_PATH))


class Person(HttpUser):
    wait_time = between(0, 2 * THINK)

    def on_start(self) -> None:
        arrival = next(_arrivals)
        self.account = PLAN[arrival % len(PLAN)]
        self.step = arrival  # people of one role do not click in lockstep
        self.idle = False
        self.origin = self.host.replace("http://", "https://", 1)
        self.client.headers.update(
            {"X-Forwarded-Proto": "https", "Accept": "text/html,application/xhtml+xml", "Accept-Language": "id"}
        )
        try:
            problem = self._log_in()
        except requests.RequestException as error:  # a timeout, a reset: this person's login failed
            problem = repr(error)
        _arrive(self)
        if problem:
            _login_errors.append(f"{self.account['role']} {self.account['username']}: {problem}")
            self._finish()

    def _send_secure_cookies(self) -> None:
        # The cookies are Secure (production profile); behind the pretend proxy they travel over HTTP.
        for cookie in self.client.cookies:
            cookie.secure = False

    def _log_in(self) -> str:
        with requests.Session() as session:
            session.headers.update(self.client.headers)
            page = session.get(self.host + LOGIN_PATH, timeout=120)
            token = CSRF_INPUT.search(page.text)
            if page.status_code != 200 or not token:
                return f"the login page answered {page.status_code}"
            for cookie in session.cookies:
                cookie.secure = False
            form = {"username": self.account["username"], "password": self.account["password"]}
            answer = session.post(
                self.host + LOGIN_PATH,
                data={**form, "csrfmiddlewaretoken": token.group(1), "next": ""},
                headers={"Origin": self.origin, "Referer": self.origin + LOGIN_PATH},
                allow_redirects=False,
                timeout=120,
            )
            location = answer.headers.get("Location", "")
            if answer.status_code != 302 or location.startswith(LOGIN_PATH):
                return f"the login answered {answer.status_code} (to {location or 'nowhere'})"
            self.client.cookies.update(session.cookies)
        self._send_secure_cookies()
        return ""

    def _finished(self) -> bool:
        """Past the window, and every page of the role is in the statistics."""
        if "end" not in _window or time.monotonic() < _window["end"]:
            return False
        stats = self.environment.stats
        role = self.account["role"]
        return all(stats.get(f"{role} {name}", "GET").num_requests for name, _path in self.account["pages"])

    def _finish(self) -> None:
        # The person stays (a stopped one would be replaced by a new arrival) and waits; the last to
        # finish ends the run.
        self.idle = True
        _done.add(id(self))
        if len(_done) >= self.environment.runner.target_user_count:
            gevent.spawn_later(0, self.environment.runner.quit)

    @task
    def click(self) -> None:
        if self.idle or self._finished():
            if not self.idle:
                self._finish()
            gevent.sleep(1)
            return
        pages = self.account["pages"]
        name, path = pages[self.step % len(pages)]
        self.step += 1
        self._send_secure_cookies()
        with self.client.get(
            path, name=f"{self.account['role']} {name}", allow_redirects=False, catch_response=True
        ) as response:
            location = response.headers.get("Location", "")
            if is_failure(response.status_code, location):
                response.failure(f"{path} answered {response.status_code}{f' to {location}' if location else ''}")
            else:
                response.success()


@events.quitting.add_listener
def _write_result(environment, **kwargs) -> None:
    target = os.environ.get("LOAD_RESULT")
    if target:
        window = time.monotonic() - (_window["end"] - DURATION) if "end" in _window else 0.0
        Path(target).write_text(json.dumps({"login_errors": _login_errors, "window": window}))
