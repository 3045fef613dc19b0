"""The district pages through HTTP: the pengawas' comparison of the madrasah they oversee, the
district reader's (and the installation administrator's) overview of every madrasah, and what each
may not see."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kompetensi.models import AppraisalStage
from laporan.district.selectors import comparison_for
from madrasah.models import Membership, MembershipRole, User
from madrasah.services import madrasah_deactivate
from tests.factories import appraisal as pkg
from tests.factories import supervision
from tests.factories.madrasah import MadrasahFactory, SemesterFactory, UserFactory, member
from tests.factories.mutu import final_result, follow_up

NOW = timezone.make_aware(dt.datetime(2026, 10, 15, 10, 0))
COMPARISON = reverse("laporan:district-comparison")
OVERVIEW = reverse("laporan:district-overview")


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


def oversee(user: User, madrasah) -> Membership:
    membership = Membership.objects.create(user=user, madrasah=madrasah)
    MembershipRole.objects.create(membership=membership, role="pengawas")
    return membership


def a_madrasah(name: str, *, teachers: int = 3, percentage: int = 80, overdue: int = 1, approved: int = 0):
    """A madrasah with its semester: `teachers` teachers each with one final result at `percentage`
    (rows done), one more row planned and not yet observed, `overdue` follow-ups past their deadline,
    and `approved` approved PKG appraisals (Nilai 80, 81, …)."""
    madrasah = MadrasahFactory(name=name)
    semester = SemesterFactory(academic_year__madrasah=madrasah)
    kepala = member(madrasah=madrasah, roles=["kepala", "guru"])
    waka = member(madrasah=madrasah, roles=["waka", "guru"])
    gurus = [member(madrasah=madrasah, roles=["guru"]) for _ in range(teachers)]
    results = [final_result(semester=semester, teacher=g, supervisor=waka, percentage=percentage) for g in gurus]
    supervision.programme_row(
        programme=results[0].row.programme
        if results
        else supervision.programme(madrasah=madrasah, semester=semester, created_by=waka),
        teacher=kepala,
        supervisor=waka,
        planned_at=NOW + dt.timedelta(days=20),
    )
    for n in range(overdue):
        follow_up(results[n % len(results)], deadline=NOW.date() - dt.timedelta(days=3))
    if approved:
        period = pkg.appraisal_period(madrasah, semester.academic_year, kepala)
        for n, g in enumerate(gurus[:approved]):
            pkg.appraisal(
                period, g.staff, kepala.user, stage=AppraisalStage.APPROVED, nilai=Decimal(80 + n), predikat="Baik"
            )
    return madrasah, kepala


def login_as(user: User, membership: Membership | None = None) -> Client:
    client = Client()
    client.force_login(user)
    if membership is not None:
        session = client.session
        session["membership_id"] = membership.pk
        session.save()
    return client


def rows_of(html: str, testid: str = "comparison-row") -> list[int]:
    return [int(pk) for pk in re.findall(rf'data-testid="{testid}" data-madrasah="(\d+)"', html)]


@pytest.fixture
def pengawas_user(db) -> User:
    return UserFactory(username="196805101994031004")


@pytest.mark.django_db
def test_the_pengawas_compares_the_madrasah_they_oversee_and_no_other(pengawas_user):
    first, _ = a_madrasah("MTs Negeri 1 Pamekasan", percentage=70, overdue=2, approved=3)
    second, _ = a_madrasah("MTs Negeri 2 Pamekasan", percentage=90, overdue=0)
    third, _ = a_madrasah("MTs Negeri 3 Pamekasan")
    current = oversee(pengawas_user, first)
    oversee(pengawas_user, second)
    html = login_as(pengawas_user, current).get(COMPARISON).content.decode()
    assert rows_of(html) == [first.pk, second.pk]
    assert "MTs Negeri 3 Pamekasan" not in html
    assert reverse("laporan:pengawas-madrasah", args=[first.pk]) in html

    rows = {r.pk: r for r in comparison_for(user=pengawas_user)}
    assert (rows[first.pk].done, rows[first.pk].planned) == (3, 4)
    assert rows[first.pk].completion == Decimal(75)
    assert rows[first.pk].score == Decimal(70)
    assert rows[first.pk].pkg == Decimal(81)  # (80 + 81 + 82) / 3
    assert rows[first.pk].overdue_follow_ups == 2
    assert rows[second.pk].pkg is None  # no approved appraisal
    assert third.pk not in rows


@pytest.mark.django_db
def test_averages_over_fewer_than_three_teachers_are_not_shown(pengawas_user):
    small, _ = a_madrasah("MTs Swasta Kecil", teachers=2, percentage=55, approved=2)
    current = oversee(pengawas_user, small)
    [row] = comparison_for(user=pengawas_user)
    assert row.score is None and row.pkg is None
    assert row.appraisals_approved == 2  # a count is no score
    html = login_as(pengawas_user, current).get(COMPARISON).content.decode()
    assert "55,00" not in html and "80,00" not in html and "80,50" not in html


@pytest.mark.django_db
def test_the_table_sorts_by_any_column_and_ignores_a_hostile_sort(pengawas_user):
    low, _ = a_madrasah("MTs A", percentage=60, overdue=2)
    high, _ = a_madrasah("MTs B", percentage=95, overdue=0)
    current = oversee(pengawas_user, low)
    oversee(pengawas_user, high)
    client = login_as(pengawas_user, current)
    assert rows_of(client.get(COMPARISON, {"sort": "-score"}).content.decode()) == [high.pk, low.pk]
    assert rows_of(client.get(COMPARISON, {"sort": "score"}).content.decode()) == [low.pk, high.pk]
    assert rows_of(client.get(COMPARISON, {"sort": "-overdue"}).content.decode()) == [low.pk, high.pk]
    assert rows_of(client.get(COMPARISON, {"sort": "-name"}).content.decode()) == [high.pk, low.pk]
    for hostile in ("name; DROP TABLE madrasah", "--score", "pk", "-" * 5000, "score\x00", "__class__", "1e400"):
        response = client.get(COMPARISON, {"sort": hostile})
        assert response.status_code == 200
        assert rows_of(response.content.decode()) == [low.pk, high.pk]  # by name, the default


@pytest.mark.django_db
def test_the_comparison_costs_the_same_queries_for_3_and_15_madrasah(pengawas_user):
    def queries(count: int) -> int:
        user = UserFactory()
        made = [a_madrasah(f"MTs {count}-{n}", approved=3 if n % 2 else 0)[0] for n in range(count)]
        current = [oversee(user, m) for m in made][0]
        client = login_as(user, current)
        client.get(COMPARISON)  # warm: sessions, compiled statements
        with CaptureQueriesContext(connection) as page:
            assert len(rows_of(client.get(COMPARISON, {"sort": "-pkg"}).content.decode())) == count
        with CaptureQueriesContext(connection) as selector:
            assert len(comparison_for(user=user)) == count
        assert len(selector) == 1
        return len(page)

    assert queries(3) == queries(15)


@pytest.mark.django_db
def test_a_madrasah_that_ends_the_pengawas_access_leaves_the_comparison(pengawas_user):
    first, kepala = a_madrasah("MTs Negeri 1 Pamekasan")
    second, _ = a_madrasah("MTs Negeri 2 Pamekasan")
    ended = oversee(pengawas_user, first)
    current = oversee(pengawas_user, second)
    client = login_as(pengawas_user, current)
    assert rows_of(client.get(COMPARISON).content.decode()) == [first.pk, second.pk]
    link = reverse("laporan:pengawas-madrasah", args=[first.pk])
    assert client.get(link).status_code == 200

    response = login_as(kepala.user).post(reverse("madrasah:pengawas-end", args=[ended.pk]))
    assert response.status_code == 302

    assert rows_of(client.get(COMPARISON).content.decode()) == [second.pk]
    assert client.get(link).status_code == 404


@pytest.mark.django_db
def test_only_a_pengawas_opens_the_comparison(pengawas_user):
    madrasah, kepala = a_madrasah("MTs Negeri 1 Pamekasan")
    assert login_as(kepala.user).get(COMPARISON).status_code == 403
    assert Client().get(COMPARISON).status_code == 302
    home = login_as(pengawas_user, oversee(pengawas_user, madrasah)).get(reverse("madrasah:home-pengawas"))
    assert COMPARISON in home.content.decode()


# --- the district reader and the installation administrator ------------------------------------------


@pytest.fixture
def reader(db) -> User:
    user = UserFactory(username="197001011995031001")
    call_command("district_reader", user.username, stdout=open("/dev/null", "w"))  # noqa: SIM115
    user.refresh_from_db()
    return user


@pytest.mark.django_db
def test_the_reader_lands_on_the_overview_of_every_madrasah(reader):
    first, _ = a_madrasah("MTs Negeri 1 Pamekasan", percentage=66, overdue=2)
    second, _ = a_madrasah("MTs Negeri 2 Pamekasan", overdue=0)
    client = login_as(reader)
    response = client.get(reverse("madrasah:home"))
    assert response.status_code == 302 and response["Location"] == OVERVIEW
    html = client.get(OVERVIEW).content.decode()
    assert rows_of(html, "district-row") == [first.pk, second.pk]
    assert rows_of(client.get(OVERVIEW, {"sort": "-overdue"}).content.decode(), "district-row") == [first.pk, second.pk]
    assert rows_of(client.get(OVERVIEW, {"sort": "overdue"}).content.decode(), "district-row") == [second.pk, first.pk]


@pytest.mark.django_db
def test_the_reader_sees_no_teacher_and_no_score(reader):
    madrasah, kepala = a_madrasah("MTs Negeri 1 Pamekasan", percentage=66, approved=3)
    staff = madrasah.staff.all()
    html = login_as(reader).get(OVERVIEW).content.decode()
    for person in staff:
        assert person.name not in html and person.nip not in html
    assert "66,00" not in html and "81,00" not in html
    assert "/kompetensi/" not in html and reverse("laporan:pengawas-madrasah", args=[madrasah.pk]) not in html


@pytest.mark.django_db
def test_anything_of_a_madrasah_opened_by_the_reader_is_refused(reader):
    madrasah, kepala = a_madrasah("MTs Negeri 1 Pamekasan")
    client = login_as(reader)
    observation = madrasah.observations.first()
    for url in (
        reverse("laporan:dashboard"),
        reverse("laporan:pengawas-madrasah", args=[madrasah.pk]),
        reverse("laporan:district-comparison"),
        reverse("kompetensi:observation-detail", args=[observation.pk]),
        reverse("kompetensi:observation-detail", args=[10**19]),
        reverse("madrasah:staff-detail", args=[kepala.staff_id]),
        reverse("madrasah:installation"),
        "/admin/",
    ):
        assert client.get(url).status_code in (403, 302), url
    # The same answer for an object that exists and one that does not: nothing is revealed.
    exists = client.get(reverse("kompetensi:observation-detail", args=[observation.pk])).status_code
    assert exists == client.get(reverse("kompetensi:observation-detail", args=[10**19])).status_code == 403


@pytest.mark.django_db
def test_members_without_the_right_may_not_open_the_overview(pengawas_user):
    madrasah, kepala = a_madrasah("MTs Negeri 1 Pamekasan")
    assert login_as(kepala.user).get(OVERVIEW).status_code == 403
    assert login_as(pengawas_user, oversee(pengawas_user, madrasah)).get(OVERVIEW).status_code == 403
    assert Client().get(OVERVIEW).status_code == 302


@pytest.mark.django_db
def test_the_installation_administrator_reads_the_overview(db):
    a_madrasah("MTs Negeri 1 Pamekasan")
    admin = User.objects.create_superuser("admin-kabupaten", password="rahasia-123")  # noqa: S106
    client = login_as(admin)
    assert OVERVIEW in client.get(reverse("madrasah:installation")).content.decode()
    assert client.get(OVERVIEW).status_code == 200


@pytest.mark.django_db
def test_the_overview_pages_by_25_with_the_same_queries_on_every_page(reader):
    for n in range(30):
        madrasah = MadrasahFactory(name=f"MTs {n:02d}")
        SemesterFactory(academic_year__madrasah=madrasah)
    client = login_as(reader)
    client.get(OVERVIEW)
    counts = []
    for page, expected in (("1", 25), ("2", 5)):
        with CaptureQueriesContext(connection) as queries:
            html = client.get(OVERVIEW, {"page": page, "sort": "-completion"}).content.decode()
        assert len(rows_of(html, "district-row")) == expected
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert "?sort=-completion&amp;page=2" in client.get(OVERVIEW, {"sort": "-completion"}).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["abc", "0", "-1", "99999999999999999999", "1e400", "2.5", ""])
def test_a_hostile_page_gives_a_page_not_an_error(reader, page):
    for n in range(30):
        MadrasahFactory(name=f"MTs {n:02d}")
    response = login_as(reader).get(OVERVIEW, {"page": page, "sort": "documents; --"})
    assert response.status_code == 200
    assert len(rows_of(response.content.decode(), "district-row")) in (25, 5)


@pytest.mark.django_db
def test_the_right_is_granted_and_withdrawn_by_command_only(reader):
    call_command("district_reader", reader.username, "--revoke", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert login_as(reader).get(OVERVIEW).status_code == 403
    with pytest.raises(Exception, match="99999"):
        call_command("district_reader", "99999", stdout=open("/dev/null", "w"))  # noqa: SIM115


@pytest.mark.django_db
def test_the_reader_logs_in_and_lands_on_the_overview(reader):
    a_madrasah("MTs Negeri 1 Pamekasan")
    client = Client()
    response = client.post(
        reverse("madrasah:login"), {"username": reader.username, "password": "rahasia-123"}, follow=True
    )
    assert response.redirect_chain[-1][0] == OVERVIEW
    assert 'data-testid="district-row"' in response.content.decode()


@pytest.mark.django_db
def test_a_kepala_or_an_operator_cannot_grant_the_right(operator, kepala, guru):
    for manager in (operator, kepala):
        login_as(manager.user).post(
            reverse("madrasah:staff-account", args=[guru.staff_id]),
            {"roles": ["guru"], "district_reader": "on", "is_superuser": "on"},
        )
        guru.user.refresh_from_db()
        assert not guru.user.district_reader and not guru.user.is_superuser
    assert login_as(operator.user).get("/admin/madrasah/user/").status_code == 302  # the admin's login


# --- a madrasah taken off the installation -----------------------------------------------------------


@pytest.mark.django_db
def test_an_inactive_madrasah_leaves_the_comparison_at_the_same_query_cost(pengawas_user):
    first, _ = a_madrasah("MTs Negeri 1 Pamekasan")
    second, _ = a_madrasah("MTs Negeri 2 Pamekasan")
    third, _ = a_madrasah("MTs Negeri 3 Pamekasan")
    current = oversee(pengawas_user, first)
    oversee(pengawas_user, second)
    oversee(pengawas_user, third)
    client = login_as(pengawas_user, current)
    client.get(COMPARISON)
    with CaptureQueriesContext(connection) as before:
        assert rows_of(client.get(COMPARISON).content.decode()) == [first.pk, second.pk, third.pk]
    madrasah_deactivate(madrasah=second, actor=None)
    with CaptureQueriesContext(connection) as after:
        html = client.get(COMPARISON).content.decode()
    assert rows_of(html) == [first.pk, third.pk] and "MTs Negeri 2 Pamekasan" not in html
    assert len(after) == len(before)
    assert client.get(reverse("laporan:pengawas-madrasah", args=[second.pk])).status_code == 404
    assert "MTs Negeri 2 Pamekasan" not in client.get(reverse("madrasah:home-pengawas")).content.decode()


@pytest.mark.django_db
def test_the_overview_marks_an_inactive_madrasah_at_the_same_query_cost(reader):
    first, _ = a_madrasah("MTs Negeri 1 Pamekasan")
    second, _ = a_madrasah("MTs Negeri 2 Pamekasan")
    client = login_as(reader)
    client.get(OVERVIEW)
    with CaptureQueriesContext(connection) as before:
        html = client.get(OVERVIEW).content.decode()
    assert 'data-testid="district-inactive"' not in html
    madrasah_deactivate(madrasah=second, actor=None)
    with CaptureQueriesContext(connection) as after:
        html = client.get(OVERVIEW).content.decode()
    assert rows_of(html, "district-row") == [first.pk, second.pk]  # kept, its data intact
    row = html.split(f'data-madrasah="{second.pk}"')[1].split("</tr>")[0]
    assert 'data-testid="district-inactive"' in row and "Nonaktif" in row
    assert 'data-testid="district-inactive"' not in html.split(f'data-madrasah="{first.pk}"')[1].split("</tr>")[0]
    assert len(after) == len(before)
