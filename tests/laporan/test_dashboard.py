"""The dashboard through HTTP: who gets in, the same numbers as the Excel export, the meeting mode
without names, an empty semester, and a query count that does not grow with the teachers."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from madrasah.management.commands.seed_demo import DEMO_LOGINS
from madrasah.models import Madrasah, Semester, Staff, User
from tests.factories.demo import seeded_demo

DASHBOARD = reverse("laporan:dashboard")
MEETING = reverse("laporan:dashboard-meeting")
EXPORT = reverse("laporan:dashboard-export")


def _seed(teachers: int = 12, semesters: int = 2) -> None:
    call_command(
        "seed_demo",
        teachers=teachers,
        semesters=semesters,
        seed=1,
        today="2026-11-26",
        reset=True,
        stdout=io.StringIO(),
    )


def _demo_user(role: str) -> User:
    return User.objects.get(username=next(x["username"] for x in DEMO_LOGINS if x["role"] == role))


@pytest.fixture
def demo(client):
    seeded_demo(teachers=12, semesters=2, seed=1, today="2026-11-26", reset=True)
    client.force_login(_demo_user("Kepala Madrasah"))
    return client


def _semester_with_results() -> str:
    """The demo's latest semester with finalised supervision results."""
    semester = (
        Semester.objects.filter(supervision_programme__rows__observations__state="final")
        .distinct()
        .select_related("academic_year")
        .order_by("-start_date")
        .first()
    )
    return semester.slug


def _screen_tables(html: str) -> dict[str, list[list[str]]]:
    tables = {}
    for key, body in re.findall(r'data-testid="recap-table" data-key="([a-z_]+)">(.*?)</table>', html, re.S):
        tbody = body.split("<tbody>", 1)[1]
        rows = [
            re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
            for row in re.findall(r"<tr>(.*?)</tr>", tbody, re.S)
            if "colspan" not in row  # the "belum ada data" line of an empty table is not data
        ]
        tables[key] = [[cell.strip() for cell in row] for row in rows]
    return tables


def _excel_text(value) -> str:
    from madrasah.formatting import format_decimal_id

    if value is None:
        return "–"
    if isinstance(value, float):
        return format_decimal_id(value)
    if isinstance(value, int):
        return format_decimal_id(value, places=0)
    return str(value)


@pytest.mark.django_db
def test_the_kepala_and_waka_see_the_dashboard(login, kepala, waka):
    assert login(kepala).get(DASHBOARD).status_code == 200
    assert login(waka).get(DASHBOARD).status_code == 200
    assert login(waka).get(MEETING).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["guru", "operator"])
def test_it_refuses_a_guru_and_an_operator(login, request, persona):
    client = login(request.getfixturevalue(persona))
    for url in (DASHBOARD, MEETING, EXPORT):
        assert client.get(url).status_code == 403


@pytest.mark.django_db
def test_a_pengawas_is_sent_to_their_overview(login, pengawas, madrasah):
    client = login(pengawas)
    response = client.get(DASHBOARD)
    assert response.status_code == 302
    assert response["Location"] == reverse("laporan:pengawas-overview")
    assert client.get(reverse("laporan:pengawas-overview")).status_code == 200
    assert client.get(reverse("laporan:pengawas-madrasah", args=[madrasah.pk])).status_code == 200


@pytest.mark.django_db
def test_it_hides_a_madrasah_the_pengawas_does_not_oversee(login, pengawas, other_madrasah):
    response = login(pengawas).get(reverse("laporan:pengawas-madrasah", args=[other_madrasah.pk]))
    assert response.status_code == 404


@pytest.mark.django_db
def test_an_unknown_semester_is_not_found(login, kepala):
    client = login(kepala)
    for url in (DASHBOARD, MEETING, EXPORT):
        assert client.get(url, {"semester": "2099-2100-ganjil"}).status_code == 404
        assert client.get(url, {"semester": "rubbish"}).status_code == 404


@pytest.mark.django_db
def test_an_empty_semester_says_there_is_no_data_yet(login, kepala):
    html = login(kepala).get(DASHBOARD).content.decode()
    assert 'data-testid="dashboard-empty"' in html
    assert "elum ada data" in html
    assert 'data-key="instruments"' not in html


@pytest.mark.django_db
def test_the_screen_shows_the_numbers_of_the_excel_export(demo):
    slug = _semester_with_results()
    html = demo.get(DASHBOARD, {"semester": slug}).content.decode()
    screen = _screen_tables(html)
    assert screen["instruments"]
    response = demo.get(EXPORT, {"semester": slug})
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    excel = []
    for sheet in workbook.worksheets:
        rows = [[_excel_text(v) for v in row] for row in sheet.iter_rows(min_row=5, values_only=True)]
        excel.append(rows)
    screen_in_order = [rows for rows in screen.values()]
    assert screen_in_order == excel


@pytest.mark.django_db
def test_every_chart_is_followed_by_its_table_with_unlocalized_values(demo):
    html = demo.get(DASHBOARD, {"semester": _semester_with_results()}).content.decode()
    assert html.count("<svg") >= 3
    values = re.findall(r'data-value="([^"]*)"', html)
    assert values and all("," not in v for v in values)


@pytest.mark.django_db
def test_the_meeting_mode_shows_no_names_and_no_private_list(demo):
    madrasah = Madrasah.objects.get(memberships__user=_demo_user("Kepala Madrasah"))
    html = demo.get(MEETING, {"semester": _semester_with_results()}).content.decode()
    assert 'data-key="instruments"' in html
    assert 'data-testid="meeting-mode"' in html
    assert 'data-testid="dashboard-attention"' not in html
    assert "kompetensi/guru/" not in html
    names = list(Staff.objects.filter(madrasah=madrasah).values_list("name", flat=True))
    assert names
    leaked = [name for name in names if name in html]
    assert leaked == []


@pytest.mark.django_db
def test_the_private_list_links_to_a_teachers_page(demo):
    html = demo.get(DASHBOARD).content.decode()
    assert 'data-testid="dashboard-attention"' in html


@pytest.mark.django_db
def test_the_period_selector_switches_semester(demo):
    madrasah = Madrasah.objects.get(memberships__user=_demo_user("Kepala Madrasah"))
    older = Semester.objects.filter(madrasah=madrasah, is_active=False).select_related("academic_year").first()
    response = demo.get(DASHBOARD, {"semester": older.slug})
    assert response.status_code == 200
    assert str(older) in response.content.decode()


def _dashboard_queries(client) -> int:
    client.get(DASHBOARD)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(DASHBOARD)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_the_query_count_does_not_grow_with_the_teachers(client):
    # Both sizes have at least 3 teachers per instrument, so no breakdown is hidden in either.
    _seed(teachers=30, semesters=1)
    client.force_login(_demo_user("Kepala Madrasah"))
    few = _dashboard_queries(client)
    _seed(teachers=200, semesters=1)
    client.force_login(_demo_user("Kepala Madrasah"))
    many = _dashboard_queries(client)
    # Session, user, membership and roles, the semesters, the dashboard's 7, the navigation.
    assert (few, many) == (14, 14)


@pytest.mark.django_db
def test_each_quality_cycle_shows_its_target_against_the_value_measured_from_supervision(demo):
    from madrasah.formatting import format_decimal_id
    from mutu.models import Cycle

    active = Semester.objects.get(is_active=True)
    html = demo.get(DASHBOARD).content.decode()
    rows = {row[0]: row for row in _screen_tables(html)["pdca"]}
    covering = Cycle.objects.filter(semester=active) | Cycle.objects.filter(
        semester__isnull=True, academic_year=active.academic_year
    )
    assert covering.exists()
    assert set(rows) == set(covering.values_list("title", flat=True))
    measured = [c for c in covering if c.measurements.exists()]
    assert measured  # the demo measures the cycles in Check and Act
    for cycle in measured:
        latest = cycle.measurements.order_by("measured_at", "pk").last()
        title, _stage, target, value, met = rows[cycle.title]
        assert format_decimal_id(cycle.target) in target
        assert value.startswith(format_decimal_id(latest.value))
        assert met == ("Tercapai" if latest.met else "Belum tercapai")
    assert 'data-testid="drill-cycles"' in html
