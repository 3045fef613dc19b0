"""Faults a madrasah server meets, swept over every page of the permission matrix's world (one object
of every kind, each persona, built once for this module in a transaction of its own; no test here
builds personas of its own, which the root conftest refuses):

- the broker (Redis) stopped: every page of every main role still answers (never a 5xx), each
  within a couple of seconds;
- the database connection lost in the middle of a write: the plain 500 page (Indonesian, no
  traceback), and nothing of the request's writes left behind.

The broker down for one request (/healthz, "Buat laporan") is tests/hardening/test_broker_down.py's.
"""

from __future__ import annotations

import re
import time
from functools import partial

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError, connection, transaction
from django.test import Client
from django.urls import reverse

from tests.laporan.test_reports_worker import broker, closed_port  # noqa: F401 - the broker fixture
from tests.madrasah.test_staff_excel import person, template_file
from tests.test_permission_matrix import MATRIX, PERSONAS, POST_ONLY, world  # noqa: F401 - the world fixture

from .test_broker_down import SECONDS_PER_PAGE

MAIN_ROLES = ("kepala", "waka", "guru", "operator", "pengawas")


def _as(client, persona: str, objects) -> Client:
    client.logout()
    if persona != "anonymous":
        client.force_login(getattr(objects, persona).user)
    return client


def _rolled_back(client, method: str, url: str, data) -> tuple:
    """The request on the untouched world (what it wrote is rolled back), and its duration."""
    started = time.monotonic()
    with transaction.atomic():
        response = client.get(url) if method == "get" else client.post(url, data() if callable(data) else data)
        transaction.set_rollback(True)
    return response, time.monotonic() - started


# --- every page with the broker stopped (the matrix's world) ----------------------------------------


def test_with_the_broker_stopped_every_page_of_every_role_answers(world, client, broker):  # noqa: F811
    broker(f"redis://127.0.0.1:{closed_port()}/0")
    failures, timings = [], []
    for name, row in sorted(MATRIX.items()):
        url = reverse(name, args=row.args(world))
        if row.get is None or row.get == POST_ONLY or name == "healthz":
            continue
        for persona in MAIN_ROLES:
            response, seconds = _rolled_back(_as(client, persona, world), "get", url, {})
            timings.append((seconds, f"{url} as {persona}"))
            if response.status_code >= 500:
                failures.append(f"{url} as {persona}: {response.status_code}")
    assert failures == []
    slowest = max(timings)
    print(f"{len(timings)} requests with the broker stopped; slowest {slowest[0]:.2f}s: {slowest[1]}")
    assert slowest[0] < SECONDS_PER_PAGE, slowest


# --- the database connection lost mid-request ---------------------------------------------------------

WRITE = re.compile(r"\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)
TRANSACTION_CONTROL = re.compile(r"\s*(SAVEPOINT|RELEASE|ROLLBACK|BEGIN|COMMIT)\b", re.IGNORECASE)
# Written around the view by middleware (the session, django-axes), not by the request's work.
NOT_THE_VIEWS = ("django_session", "axes_")


class LostConnection:
    """An execute wrapper: counts the request's writes and, from write number `fail_at` on, makes every
    statement fail as on a dropped connection. Transaction control still passes (a server that loses
    its client rolls back on its own; here the rollback has to run to show what was left behind)."""

    def __init__(self, fail_at: int | None = None):
        self.fail_at, self.writes, self.lost = fail_at, 0, False

    def __call__(self, execute, sql, params, many, context):
        if TRANSACTION_CONTROL.match(sql):
            return execute(sql, params, many, context)
        if WRITE.match(sql) and not any(table in sql for table in NOT_THE_VIEWS):
            self.writes += 1
            self.lost = self.lost or (self.fail_at is not None and self.writes >= self.fail_at)
        if self.lost:
            raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)


def database_state() -> dict[str, list]:
    """Every row of every table but the session's and django-axes' ones."""
    state = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names()):
            if table.startswith(NOT_THE_VIEWS):
                continue
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 - a table name
            state[table] = sorted(map(repr, cursor.fetchall()))
    return state


def changed_tables(before: dict, after: dict) -> list[str]:
    return [table for table in before if before[table] != after[table]]


def lose_the_last_write(login, method: str, url: str, data) -> tuple[int, list[str]]:
    """Run the request once (by `login()`'s client) to count its writes; when it writes more than one
    row, run it again with the connection lost at its last write. Returns (writes, problems)."""
    counter, client = LostConnection(), login()
    with connection.execute_wrapper(counter):
        _rolled_back(client, method, url, data)
    if counter.writes < 2:
        return counter.writes, []
    # Logged in again: the first run may have cycled the session key, and its new session was rolled back.
    client, problems, before = login(), [], database_state()
    with transaction.atomic():
        with connection.execute_wrapper(LostConnection(fail_at=counter.writes)):
            response = client.get(url) if method == "get" else client.post(url, data() if callable(data) else data)
        # A failed save outside any atomic block of the view marks this test's block for rollback; in
        # production (autocommit) the writes before it would simply stay. Look at what they left.
        transaction.set_rollback(False)
        left = changed_tables(before, database_state())
        transaction.set_rollback(True)
    body = response.content.decode(errors="replace")
    if response.status_code != 500 or "Terjadi kesalahan" not in body:
        problems.append(f"{method.upper()} {url}: {response.status_code} instead of the error page")
    if "Traceback" in body or "OperationalError" in body:
        problems.append(f"{method.upper()} {url}: the error page shows the exception")
    if left:
        problems.append(f"{method.upper()} {url}: partial write left in {left} ({counter.writes} writes)")
    return counter.writes, problems


def _staff_file():
    rows = [person(i=i, Nama=f"Guru Impor {i}") for i in range(1, 4)]
    return {"file": SimpleUploadedFile("pegawai.xlsx", template_file(*rows))}


def _extra_writes(objects) -> list[tuple[str, str, str, object]]:
    """Writes of several rows the matrix's data does not reach (it mostly posts empty forms): a staff
    import of three people, the submission of a scored observation, a first password change."""
    from kompetensi.models import Item
    from kompetensi.supervision.services.observations import observation_save

    observation = objects.observation
    scores = {item.pk: {"points": 3} for item in Item.objects.filter(section__version=observation.instrument_version)}
    observation_save(observation=observation, user=objects.waka.user, base_revision=0, scores=scores, fields={})
    objects.guru.user.must_change_password = True
    objects.guru.user.save(update_fields=["must_change_password"])
    new_password = "Mutu-Madrasah-2026!"
    return [
        ("operator", "post", reverse("madrasah:staff-import"), _staff_file),
        ("waka", "post", reverse("kompetensi:observation-submit", args=[observation.pk]), {}),
        (
            "guru",
            "post",
            reverse("madrasah:password-change"),
            {"old_password": "rahasia-123", "new_password1": new_password, "new_password2": new_password},
        ),
    ]


def test_a_connection_lost_mid_write_shows_the_error_page_and_leaves_nothing(world):  # noqa: F811
    client = Client(raise_request_exception=False)
    cases = []
    for name, row in sorted(MATRIX.items()):
        if row.post is None or row.post == POST_ONLY:
            continue
        for persona, expected in zip(PERSONAS, row.post, strict=True):
            if persona != "anonymous" and expected not in (403, 404, 405):
                cases.append((persona, "post", reverse(name, args=row.args(world)), row.data(world)))
    cases += _extra_writes(world)
    problems, multi_row = [], []
    for persona, method, url, data in cases:
        writes, found = lose_the_last_write(partial(_as, client, persona, world), method, url, data)
        problems += found
        if writes >= 2:
            multi_row.append(f"{url} as {persona}: {writes} writes")
    print(f"{len(cases)} writing requests, {len(multi_row)} of several rows:", *multi_row, sep="\n  ")
    assert problems == [], "\n".join(problems)
    # The extra writes at least: a sweep that exercises no multi-row write would prove nothing.
    extra_urls = {url for _persona, _method, url, _data in cases[-3:]}
    assert extra_urls <= {entry.split(" ")[0] for entry in multi_row}
