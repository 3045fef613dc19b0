"""Every page each role may open, in Chromium, checked by axe-core (WCAG 2.1 A/AA and best practice):
no serious or critical violation, no horizontal scroll at 360 px, every chart followed by its table.

The pages are the permission matrix's GET rows that answer 200 to the role, with the matrix's world
(one real object per URL pattern). Downloads, JSON and the service worker are skipped by what they
answer, not by name.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.test_permission_matrix import MATRIX, PERSONAS, _world

from .conftest import PASSWORD
from .crawl import crawl

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The roles of the product: a teacher, a teacher named in the supervision team, the Waka, the
# Kepala, the operator and the pengawas.
ROLES = tuple(role for role in ("guru", "tim", "waka", "kepala", "operator", "pengawas") if role in PERSONAS)


def role_paths(world, role: str) -> list[str]:
    """The paths of every GET pattern the matrix expects to answer 200 to the role."""
    index = PERSONAS.index(role)
    return [
        reverse(name, args=row.args(world))
        for name, row in sorted(MATRIX.items())
        if row.get is not None and row.get[index] == 200
    ]


@pytest.fixture
def world(settings, tmp_path):
    """The permission matrix's world, committed (the live server's threads read it)."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return _world()


@pytest.fixture
def crawled(browser, live_server, world):
    visits = [(role, getattr(world, role).user.username, PASSWORD, role_paths(world, role)) for role in ROLES]
    return crawl(browser, live_server.url, visits)


def test_every_page_of_every_role_is_accessible(crawled):
    figures = f"{len(crawled.pages)} pages, {crawled.charts} charts, {crawled.seconds:.1f} s"
    print(f"{figures} (axe {crawled.axe_seconds:.1f} s)")
    for role, path, why in crawled.skipped:
        print(f"skipped {role} {path}: {why}")
    print(f"axe ran on {len(crawled.axe_pages)} pages, {len(crawled.axe_shared)} had content already checked")
    for seconds, role, path in sorted(crawled.axe_pages, reverse=True)[:10]:
        print(f"axe {seconds:.2f} s: {role} {path}")
    for finding in crawled.minor:
        print(f"minor: {finding}")
    assert crawled.blocking == [], "\n" + "\n".join(str(f) for f in crawled.blocking)
    unexpected = [f"{role} {path}: {why}" for role, path, why in crawled.skipped if why.startswith("unexpected")]
    assert unexpected == [], "pages the matrix opens to the role did not answer 200"
    assert crawled.roles == sorted(ROLES)
    assert crawled.charts > 0, "no chart was met: the chart-and-table check checked nothing"
