"""PKG aggregates cannot be differenced (issue 16, finding 3).

The attack: the Waka reads the dashboard (screen, meeting mode, Excel) before and after the Kepala
approves one more appraisal; n 3 → 4 and the two means give that teacher's Nilai PKG
(4 × new − 3 × old). The Kepala and the pengawas read live figures; everyone else reads the figures
frozen when the Kepala first closed the year's PKG, which neither a reopen nor a late appraisal moves,
and nothing for fewer than 3 teachers.
"""

from __future__ import annotations

import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from kompetensi.models import AppraisalPeriod, AppraisalStage, CompetencyResult
from laporan.documents.rules import document_kind
from laporan.documents.selectors import period_of_semester
from madrasah.formatting import format_decimal_id
from tests.factories import appraisal as appraisal_factory
from tests.factories import supervision
from tests.factories.madrasah import StaffFactory

DASHBOARD = reverse("laporan:dashboard")
MEETING = reverse("laporan:dashboard-meeting")
EXPORT = reverse("laporan:dashboard-export")
NILAI_ROW = "Nilai PKG (average)"

pytestmark = pytest.mark.django_db


def _approved(period, kepala, score: int):
    """An approved appraisal whose 14 competencies all score `score` (Nilai = score × 25)."""
    made = appraisal_factory.appraisal(
        period,
        StaffFactory(madrasah=period.madrasah),
        kepala.user,
        stage=AppraisalStage.APPROVED,
        nilai=Decimal(score * 25),
    )
    competencies = made.instrument_version.framework.competencies.all()
    CompetencyResult.objects.bulk_create(
        CompetencyResult(appraisal=made, competency=c, percentage=Decimal(score * 25), score=score)
        for c in competencies
    )
    return made


def _signed(period, kepala, teacher=None):
    """A signed appraisal with every indicator scored 1 of 2 (each competency 50 % → 2; Nilai 50):
    the Kepala approves it next."""
    made = appraisal_factory.appraisal(period, teacher or StaffFactory(madrasah=period.madrasah), kepala.user)
    appraisal_factory.score_all(made, default=1)
    made.stage = AppraisalStage.SIGNED
    made.save(update_fields=["stage"])
    return made


@pytest.fixture
def year(madrasah, kepala):
    """Three approved appraisals (Nilai 100, 75, 75: mean 83,33) and one signed, waiting for the Kepala."""
    semester = supervision.active_semester(madrasah)
    period = appraisal_factory.appraisal_period(madrasah, semester.academic_year, kepala)
    for score in (4, 3, 3):
        _approved(period, kepala, score)
    return {"semester": semester, "period": period, "late": _signed(period, kepala)}


def _screen_pkg(html: str) -> list[list[str]] | None:
    found = re.search(r'data-testid="recap-table" data-key="pkg">(.*?)</table>', html, re.S)
    if found is None:
        return None
    body = found.group(1).split("<tbody>", 1)[1]
    return [
        [c.strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


def _workbook(response) -> list[tuple[str, list[tuple]]]:
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    return [(sheet.title, [tuple(row) for row in sheet.iter_rows(values_only=True)]) for sheet in book.worksheets]


def _what_the_waka_gets(client, waka) -> dict:
    client.force_login(waka.user)
    return {
        "dashboard": _screen_pkg(client.get(DASHBOARD).content.decode()),
        "meeting": _screen_pkg(client.get(MEETING).content.decode()),
        "home": _screen_pkg(client.get(reverse("madrasah:home")).content.decode()),
        "excel": _workbook(client.get(EXPORT)),
    }


def _nilai_row(rows: list[list[str]] | None) -> list[str] | None:
    with translation.override("id"):
        label = translation.gettext(NILAI_ROW)
    return next((row for row in rows or [] if row[0] == label), None)


def _approve(client, kepala, appraisal) -> None:
    client.force_login(kepala.user)
    response = client.post(reverse("kompetensi:appraisal-approve", args=[appraisal.pk]))
    assert response.status_code == 302
    appraisal.refresh_from_db()
    assert appraisal.stage == AppraisalStage.APPROVED


def _post(client, who, name: str, period: AppraisalPeriod):
    client.force_login(who.user)
    return client.post(reverse(f"kompetensi:{name}", args=[period.pk]))


def test_the_waka_learns_nothing_from_one_more_approval_before_the_year_is_closed(client, year, kepala, waka):
    before = _what_the_waka_gets(client, waka)
    _approve(client, kepala, year["late"])
    after = _what_the_waka_gets(client, waka)

    assert after == before  # n × mean after − (n − 1) × mean before has nothing to work on
    assert before["dashboard"] is None and before["meeting"] is None  # no PKG figures until the closing
    page = client.get(DASHBOARD).content.decode()
    assert "Angka PKG ditampilkan di sini setelah Kepala Madrasah menutup PKG tahun ini." in page


def test_the_kepala_still_sees_live_figures(client, year, kepala):
    client.force_login(kepala.user)
    assert _nilai_row(_screen_pkg(client.get(DASHBOARD).content.decode()))[1:] == [
        "3",
        format_decimal_id(Decimal("83.33")),
    ]
    _approve(client, kepala, year["late"])
    client.force_login(kepala.user)
    live = _nilai_row(_screen_pkg(client.get(DASHBOARD).content.decode()))
    assert live[1:] == ["4", format_decimal_id(Decimal("75.00"))]  # (100 + 75 + 75 + 50) ÷ 4


def test_the_pengawas_sees_live_figures(client, year, kepala, pengawas, madrasah):
    _approve(client, kepala, year["late"])
    client.force_login(pengawas.user)
    html = client.get(reverse("laporan:pengawas-madrasah", args=[madrasah.pk])).content.decode()
    assert _nilai_row(_screen_pkg(html))[1] == "4"


def test_after_the_closing_others_see_the_frozen_figures_which_a_reopen_and_a_late_approval_do_not_move(
    client, year, kepala, waka
):
    period = year["period"]
    # Not while an appraisal waits for approval; here it is withdrawn and the three approved stay.
    refused = _post(client, kepala, "appraisal-period-close", period)
    assert refused.status_code == 302 and AppraisalPeriod.objects.get(pk=period.pk).closed_at is None
    year["late"].delete()
    latecomer = StaffFactory(madrasah=period.madrasah)  # a teacher now, appraised after the closing
    assert _post(client, kepala, "appraisal-period-close", period).status_code == 302
    frozen = _what_the_waka_gets(client, waka)
    assert _nilai_row(frozen["dashboard"])[1:] == ["3", format_decimal_id(Decimal("83.33"))]
    assert frozen["meeting"] == frozen["dashboard"]

    # Reopened, a late appraisal approved, closed again: the Waka sees exactly the same.
    assert _post(client, kepala, "appraisal-period-reopen", period).status_code == 302
    _approve(client, kepala, _signed(period, kepala, latecomer))
    assert _post(client, kepala, "appraisal-period-close", period).status_code == 302
    assert _what_the_waka_gets(client, waka) == frozen

    client.force_login(kepala.user)
    assert _nilai_row(_screen_pkg(client.get(DASHBOARD).content.decode()))[1] == "4"  # live
    assert _screen_pkg(client.get(MEETING).content.decode()) == frozen["meeting"]  # projected: frozen


def test_the_semester_recap_document_prints_the_frozen_figures(client, year, kepala, madrasah):
    recap = document_kind("semester")
    period = period_of_semester(year["semester"])
    assert recap.context(madrasah=madrasah, period=period)["data"].pkg.teachers == 0  # never closed
    _approve(client, kepala, year["late"])
    _post(client, kepala, "appraisal-period-close", year["period"])
    pkg = recap.context(madrasah=madrasah, period=period)["data"].pkg
    assert (pkg.teachers, pkg.live) == (4, False)
    assert _post(client, kepala, "appraisal-period-reopen", year["period"]).status_code == 302
    _approve(client, kepala, _signed(year["period"], kepala))
    assert recap.context(madrasah=madrasah, period=period)["data"].pkg.teachers == 4


def test_fewer_than_three_teachers_show_no_figures_even_frozen(client, madrasah, kepala, waka):
    semester = supervision.active_semester(madrasah)
    period = appraisal_factory.appraisal_period(madrasah, semester.academic_year, kepala)
    for score in (4, 2):
        _approved(period, kepala, score)
    assert _post(client, kepala, "appraisal-period-close", period).status_code == 302
    assert _what_the_waka_gets(client, waka)["dashboard"] is None
    client.force_login(kepala.user)
    assert _screen_pkg(client.get(DASHBOARD).content.decode()) is None


def test_only_the_kepala_closes_and_reopens(client, year, waka, guru, outsider):
    period = year["period"]
    for name in ("appraisal-period-close", "appraisal-period-reopen"):
        assert _post(client, waka, name, period).status_code == 403
        assert _post(client, guru, name, period).status_code == 403
        assert _post(client, outsider, name, period).status_code == 404
    assert AppraisalPeriod.objects.get(pk=period.pk).closed_at is None


def test_while_closed_no_appraisal_is_reopened_or_assigned(client, year, kepala, waka):
    period = year["period"]
    _approve(client, kepala, year["late"])
    assert _post(client, kepala, "appraisal-period-close", period).status_code == 302
    client.force_login(kepala.user)
    response = client.post(
        reverse("kompetensi:appraisal-reopen", args=[year["late"].pk]), {"reason": "Salah input"}, follow=True
    )
    assert "PKG tahun ini sudah ditutup" in response.content.decode()
    year["late"].refresh_from_db()
    assert year["late"].stage == AppraisalStage.APPROVED
    newcomer = StaffFactory(madrasah=period.madrasah)
    response = client.post(
        reverse("kompetensi:appraisal-assign", args=[period.pk]),
        {"teacher": newcomer.pk, "assessor": waka.user.pk},
        follow=True,
    )
    assert "PKG tahun ini sudah ditutup" in response.content.decode()
    assert not period.appraisals.filter(teacher=newcomer).exists()
