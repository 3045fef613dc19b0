"""PKG for a guru BK: appraised with the BK instrument of the year (17 competencies of the counsellor
standard), scored and moved through the same stages as a subject teacher, counted in the year's
figures — with the BK domain table hidden while fewer than 3 BK teachers are appraised — and printed
on the same PKG forms."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from kompetensi.models import Appraisal, AppraisalStage, CompetencyResult, Item
from madrasah.models import TeacherType
from tests.factories import appraisal as appraisal_factory
from tests.factories import supervision
from tests.factories.madrasah import StaffFactory, member
from tests.laporan.document_helpers import build, year_period

DASHBOARD = reverse("laporan:dashboard")


@pytest.fixture
def bk(madrasah):
    """A guru BK with a login."""
    staff = StaffFactory(madrasah=madrasah, teacher_type=TeacherType.COUNSELLOR, name="Siti Rahmah")
    return member(madrasah=madrasah, roles=["guru"], staff=staff)


@pytest.fixture
def period(madrasah, kepala):
    return appraisal_factory.period_with_defaults(madrasah=madrasah, kepala=kepala)


_post = appraisal_factory.post_as
_stage = appraisal_factory.stage_of


def test_a_bk_teacher_goes_through_every_stage_to_approved(client, kepala, waka, bk, period):
    response = _post(client, kepala, "appraisal-assign", period.pk, {"teacher": bk.staff.pk, "assessor": waka.user.pk})
    assert response.status_code == 302
    appraisal = Appraisal.objects.get(teacher=bk.staff)
    assert appraisal.instrument_version.framework.code == "pkg-bk"

    client.force_login(waka.user)
    page = client.get(appraisal.get_absolute_url()).content.decode()
    assert "Menguasai konsep dan praksis asesmen" in page or "Asesmen konseli" in page
    items = list(Item.objects.filter(section__version=appraisal.instrument_version).order_by("section__order", "order"))
    assert len(items) == 34
    scores = {f"item-{item.pk}": "2" for item in items}
    scores[f"item-{items[0].pk}"] = "1"  # competency 1: 3 of 4 → 75 % → 3
    assert _post(client, waka, "appraisal-score", appraisal.pk, {"version": "0", **scores}).status_code == 302
    first_section = items[0].section_id
    evidence = {"section": first_section, "note": "Layanan klasikal kelas VIII diamati."}
    assert _post(client, waka, "appraisal-evidence-add", appraisal.pk, evidence).status_code == 302
    assert appraisal.evidence.filter(section_id=first_section).exists()

    _post(client, waka, "appraisal-submit", appraisal.pk)
    assert _stage(appraisal) == AppraisalStage.SUBMITTED
    _post(client, bk, "appraisal-sign", appraisal.pk, {"response": "Terima kasih."})
    assert _stage(appraisal) == AppraisalStage.SIGNED
    assert _post(client, bk, "appraisal-approve", appraisal.pk).status_code == 403  # not his to approve
    _post(client, kepala, "appraisal-approve", appraisal.pk)

    appraisal.refresh_from_db()
    assert appraisal.stage == AppraisalStage.APPROVED
    assert appraisal.total == 67  # 3 + 16 × 4 of 17 × 4 = 68
    assert appraisal.nilai == Decimal("98.5294")
    assert appraisal.predikat == "Amat Baik"
    results = CompetencyResult.objects.filter(appraisal=appraisal)
    assert results.count() == 17
    assert set(results.values_list("competency__framework__code", flat=True)) == {"pkg-bk"}

    client.force_login(bk.user)
    own = client.get(appraisal.get_absolute_url()).content.decode()
    assert "98,53" in own


def test_without_a_bk_instrument_the_kepala_is_told_how_to_get_one(client, madrasah, kepala, waka, bk):
    year = supervision.active_semester(madrasah).academic_year
    period = appraisal_factory.appraisal_period(madrasah, year, kepala)  # the subject teachers' PKG only
    response = _post(client, kepala, "appraisal-assign", period.pk, {"teacher": bk.staff.pk, "assessor": waka.user.pk})
    assert not Appraisal.objects.filter(teacher=bk.staff).exists()
    client.force_login(kepala.user)
    page = client.get(response.url if response.status_code == 302 else period.get_absolute_url()).content.decode()
    body = response.content.decode() + page
    assert "Siti Rahmah" in body and "BK" in body


def _approved(period, kepala, staff, score: int) -> Appraisal:
    made = appraisal_factory.appraisal(
        period, staff, kepala.user, stage=AppraisalStage.APPROVED, nilai=Decimal(score * 25), total=score
    )
    CompetencyResult.objects.bulk_create(
        CompetencyResult(appraisal=made, competency=c, percentage=Decimal(score * 25), score=score)
        for c in made.instrument_version.framework.competencies.all()
    )
    return made


def test_the_recap_counts_bk_teachers_and_says_their_domain_table_is_hidden(client, madrasah, kepala, bk):
    semester = supervision.active_semester(madrasah)
    period = appraisal_factory.appraisal_period(madrasah, semester.academic_year, kepala)
    for score in (4, 3, 3):
        _approved(period, kepala, StaffFactory(madrasah=madrasah), score)
    _approved(period, kepala, bk.staff, 2)
    client.force_login(kepala.user)
    html = client.get(DASHBOARD).content.decode()
    # Nilai of the four: 100, 75, 75, 50 → 75 (the BK teacher counts in the average).
    assert 'data-testid="recap-pkg"' in html
    pkg_table = html.split('data-key="pkg">', 1)[1].split("</table>", 1)[0]
    assert 'data-value="75.00"' in pkg_table
    assert "Pedagogik" in pkg_table and "Guru BK" not in pkg_table  # subject teachers' domains only
    note = html.split('data-testid="hidden-breakdowns">', 1)[1].split("</p>", 1)[0]
    assert "Kompetensi Guru BK/Konselor (PKG)" in note


def test_with_three_bk_teachers_their_domains_show_beside_the_subject_teachers(client, madrasah, kepala):
    semester = supervision.active_semester(madrasah)
    period = appraisal_factory.appraisal_period(madrasah, semester.academic_year, kepala)
    for score in (4, 3, 3):
        _approved(period, kepala, StaffFactory(madrasah=madrasah), score)
        _approved(period, kepala, StaffFactory(madrasah=madrasah, teacher_type=TeacherType.COUNSELLOR), score)
    client.force_login(kepala.user)
    html = client.get(DASHBOARD).content.decode()
    pkg_table = html.split('data-key="pkg">', 1)[1].split("</table>", 1)[0]
    assert "Pedagogik — Kompetensi Guru BK/Konselor (PKG)" in pkg_table
    assert "Pedagogik — Kompetensi Guru Mata Pelajaran (PKG)" in pkg_table
    assert 'data-testid="hidden-breakdowns"' not in html


def test_the_pkg_forms_render_for_a_bk_teacher(client, madrasah, kepala, bk):
    year = supervision.active_semester(madrasah).academic_year
    period = appraisal_factory.appraisal_period(madrasah, year, kepala)
    appraisal = appraisal_factory.appraisal(period, bk.staff, kepala.user)
    appraisal_factory.score_all(appraisal, default=2)
    client.force_login(kepala.user)
    assert _post(client, kepala, "appraisal-submit", appraisal.pk).status_code == 302
    _context, text, _pages = build("pkg", madrasah=madrasah, period=year_period(year), teacher=bk.staff)
    assert "68 / 68" in text and "100,00" in text and "Amat Baik" in text
    assert "Siti Rahmah" in text and "komitmen terhadap etika profesional" in text
    for view in ("appraisal-print-summary", "appraisal-print-evidence"):
        page = client.get(reverse(f"kompetensi:{view}", args=[appraisal.pk]))
        assert page.status_code == 200 and "Siti Rahmah" in page.content.decode()
