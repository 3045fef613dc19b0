"""The Kepala's own appraisal (PKKM): the pengawas appraises him with the PKKM instrument of the year
(not the teachers' PKG), scoring each indicator 1–4; the Kepala signs as the appraised, the pengawas
approves (never the Kepala himself). The Waka and the teachers cannot open it; it stays out of the
teachers' PKG figures and prints on its own forms."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from kompetensi.instruments.rules import Band, score_pkkm
from kompetensi.instruments.seed_data import PKG_MAPEL_INSTRUMENT
from kompetensi.models import Appraisal, AppraisalScore, AppraisalStage, CompetencyResult, Item
from tests.factories import appraisal as appraisal_factory
from tests.factories import supervision
from tests.factories.madrasah import StaffFactory
from tests.laporan.document_helpers import build, year_period

DASHBOARD = reverse("laporan:dashboard")


@pytest.fixture
def period(madrasah, kepala):
    return appraisal_factory.period_with_defaults(madrasah=madrasah, kepala=kepala)


_post = appraisal_factory.post_as
_stage = appraisal_factory.stage_of


@pytest.fixture
def pkkm(client, period, kepala, pengawas):
    """The Kepala's PKKM, assigned to the pengawas through the period page."""
    _post(client, kepala, "appraisal-assign", period.pk, {"teacher": kepala.staff.pk, "assessor": pengawas.user.pk})
    return Appraisal.objects.get(teacher=kepala.staff)


def _items(appraisal) -> list[Item]:
    return list(Item.objects.filter(section__version=appraisal.instrument_version).order_by("section__order", "order"))


def test_the_pengawas_scores_the_kepala_submits_and_approves_after_the_kepala_signs(client, pkkm, kepala, pengawas):
    assert pkkm.instrument_version.instrument.kind == "pkkm"
    assert pkkm.instrument_version.framework.code == "pkkm"
    items = _items(pkkm)
    assert len(items) == 16
    scores = {f"item-{item.pk}": "4" for item in items}
    scores[f"item-{items[0].pk}"] = "2"  # component 1: 14 of 16 → 87,5 %
    assert _post(client, pengawas, "appraisal-score", pkkm.pk, {"version": "0", **scores}).status_code == 302
    note = {"section": items[0].section_id, "note": "Rencana kerja madrasah diperiksa."}
    assert _post(client, pengawas, "appraisal-evidence-add", pkkm.pk, note).status_code == 302
    assert pkkm.evidence.exists()

    _post(client, pengawas, "appraisal-submit", pkkm.pk)
    assert _stage(pkkm) == AppraisalStage.SUBMITTED
    _post(client, kepala, "appraisal-sign", pkkm.pk, {"response": "Terima kasih."})
    assert _stage(pkkm) == AppraisalStage.SIGNED
    assert _post(client, kepala, "appraisal-approve", pkkm.pk).status_code == 403  # not his own
    assert _stage(pkkm) == AppraisalStage.SIGNED
    client.force_login(pengawas.user)
    assert 'data-testid="appraisal-approve-form"' in client.get(pkkm.get_absolute_url()).content.decode()
    _post(client, pengawas, "appraisal-approve", pkkm.pk)

    pkkm.refresh_from_db()
    assert pkkm.stage == AppraisalStage.APPROVED and pkkm.approved_by == pengawas.user
    assert pkkm.total == 62  # points: 15 × 4 + 2 of 16 × 4 = 64
    assert pkkm.nilai == Decimal("96.8750") and pkkm.predikat == "Amat Baik"
    assert CompetencyResult.objects.filter(appraisal=pkkm).count() == 4


def test_a_pkkm_indicator_scores_1_to_4_and_a_0_writes_nothing(client, pkkm, pengawas):
    first = _items(pkkm)[0]
    response = _post(client, pengawas, "appraisal-score", pkkm.pk, {"version": "0", f"item-{first.pk}": "0"})
    assert response.status_code in (200, 302, 400)
    assert not AppraisalScore.objects.filter(appraisal=pkkm).exists()
    _post(client, pengawas, "appraisal-score", pkkm.pk, {"version": "0", f"item-{first.pk}": "3"})
    assert AppraisalScore.objects.get(appraisal=pkkm, item=first).points == 3


def test_the_waka_and_a_teacher_cannot_open_the_kepalas_pkkm(client, pkkm, waka, guru):
    for member in (waka, guru):
        client.force_login(member.user)
        assert client.get(pkkm.get_absolute_url()).status_code == 404
        assert client.get(reverse("kompetensi:appraisal-print-summary", args=[pkkm.pk])).status_code == 404
        assert _post(client, member, "appraisal-approve", pkkm.pk).status_code == 404


def test_the_pkkm_scoring_counts_every_indicator_alike_and_reads_the_band_unrounded():
    typed = [Band(lower, label) for lower, label in PKG_MAPEL_INSTRUMENT["bands"]]
    result = score_pkkm(components=[(1, [4, 4, 4]), (2, [2])], bands=typed)
    assert (result.total, result.maximum) == (14, 16)
    assert result.nilai == Decimal("87.5") and result.predikat == "Baik"
    assert [c.score for c in result.competencies] == [4, 2]  # 100 % → 4, 50 % → 2
    # 29 of 32 = 90.625: no rounding up to 91 before the band.
    assert score_pkkm(components=[(1, [4] * 5 + [3] * 3)], bands=typed).predikat == "Baik"
    with pytest.raises(ValueError):
        score_pkkm(components=[(1, [0])], bands=typed)


def _approved_teacher(period, kepala, score: int):
    made = appraisal_factory.appraisal(
        period, StaffFactory(madrasah=period.madrasah), kepala.user, stage=AppraisalStage.APPROVED, nilai=score * 25
    )
    CompetencyResult.objects.bulk_create(
        CompetencyResult(appraisal=made, competency=c, percentage=Decimal(score * 25), score=score)
        for c in made.instrument_version.framework.competencies.all()
    )


def test_the_kepalas_pkkm_is_left_out_of_the_teachers_pkg_recap(client, madrasah, kepala, pengawas):
    year = supervision.active_semester(madrasah).academic_year
    period = appraisal_factory.appraisal_period(madrasah, year, kepala)
    for score in (4, 4, 4):
        _approved_teacher(period, kepala, score)
    own = appraisal_factory.appraisal(period, kepala.staff, pengawas.user, stage=AppraisalStage.APPROVED, nilai=25)
    assert own.instrument_version.instrument.kind == "pkkm"
    client.force_login(kepala.user)
    html = client.get(DASHBOARD).content.decode()
    pkg_table = html.split('data-key="pkg">', 1)[1].split("</table>", 1)[0]
    assert 'data-value="100.00"' in pkg_table  # the three teachers' mean, without the Kepala's 25
    assert 'data-value="3"' in pkg_table


def test_the_pkkm_prints_on_its_own_forms(client, madrasah, kepala, pengawas):
    year = supervision.active_semester(madrasah).academic_year
    period = appraisal_factory.appraisal_period(madrasah, year, kepala)
    own = appraisal_factory.appraisal(period, kepala.staff, pengawas.user)
    appraisal_factory.score_all(own, default=4)
    assert _post(client, pengawas, "appraisal-submit", own.pk).status_code == 302
    _context, text, _pages = build("pkg", madrasah=madrasah, period=year_period(year), teacher=kepala.staff)
    assert "PKKM" in text and "64 / 64" in text and "100,00" in text
    assert "Supervisi kepada guru dan tenaga kependidikan" in text
    client.force_login(kepala.user)
    page = client.get(reverse("kompetensi:appraisal-print-summary", args=[own.pk])).content.decode()
    assert "PKKM" in page and 'data-testid="summary-total">64 / 64' in page
