"""PKG set-up, scoring, self-evaluation, evidence and standing, through HTTP with the personas.

In `appraisal` the Kepala appraises the guru (the seeded PKG instrument for subject teachers)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kompetensi.appraisal.selectors.results import appraisal_result, competency_standing
from kompetensi.appraisal.services.scores import appraisal_results_store
from kompetensi.instruments.rules import Band, score_pkg
from kompetensi.models import (
    Appraisal,
    AppraisalEvent,
    AppraisalEvidence,
    AppraisalPeriod,
    AppraisalScore,
    AppraisalStage,
    CompetencyResult,
    Item,
    SelfEvaluation,
)
from madrasah.models import TeacherType
from tests.factories import appraisal as factories
from tests.factories.madrasah import StaffFactory

WORKED_EXAMPLE = [1, 2, 2, 0, 0, 2]  # the guide's example: 7 of 12 points → 58,33 % → 3


@pytest.fixture
def year(madrasah):
    return madrasah.academic_years.get()


@pytest.fixture
def period(madrasah, year, kepala):
    return factories.appraisal_period(madrasah, year, kepala)


@pytest.fixture
def appraisal(period, guru, kepala):
    return factories.appraisal(period, guru.staff, kepala.user)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def _as(client, membership):
    client.force_login(membership.user)
    return client


def _items(appraisal_):
    return factories.items_by_section(appraisal_)


def _post_all(client, appraisal_, points_per_section):
    data = {"version": str(Appraisal.objects.get(pk=appraisal_.pk).revision)}
    for items, points in zip(_items(appraisal_), points_per_section, strict=True):
        for item, value in zip(items, points, strict=True):
            data[f"item-{item.pk}"] = str(value)
    return client.post(reverse("kompetensi:appraisal-score", args=[appraisal_.pk]), data)


def _sedang_points(appraisal_):
    """Six competencies at 3 (all 1s and one 2) and eight at 2 (all 1s): 34 of 56 → 60,71 → Sedang."""
    points = []
    for index, items in enumerate(_items(appraisal_)):
        row = [1] * len(items)
        if index < 6:
            row[0] = 2
        points.append(row)
    return points


# --- period -------------------------------------------------------------------------------------------


def test_kepala_creates_a_period_within_the_year(client, kepala, year):
    response = _as(client, kepala).post(
        reverse("kompetensi:appraisal-period-create"),
        {"academic_year": year.pk, "start_date": "2026-08-01", "end_date": "2027-05-31"},
    )
    period = AppraisalPeriod.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("kompetensi:appraisal-period-detail", args=[period.pk])


def test_it_refuses_dates_outside_the_academic_year(client, kepala, year):
    response = _as(client, kepala).post(
        reverse("kompetensi:appraisal-period-create"),
        {"academic_year": year.pk, "start_date": "2026-06-01", "end_date": "2027-05-31"},
    )
    assert response.status_code == 200
    assert not AppraisalPeriod.objects.exists()


def test_waka_cannot_create_a_period(client, waka, year):
    response = _as(client, waka).post(
        reverse("kompetensi:appraisal-period-create"),
        {"academic_year": year.pk, "start_date": "2026-08-01", "end_date": "2027-05-31"},
    )
    assert response.status_code == 403
    assert not AppraisalPeriod.objects.exists()


def test_period_page_shows_scores_to_kepala_but_only_stages_to_waka(client, kepala, waka, period, appraisal):
    factories.score_all(appraisal)
    appraisal_results_store(appraisal)
    url = reverse("kompetensi:appraisal-period-detail", args=[period.pk])
    assert "Amat Baik" in _as(client, kepala).get(url).content.decode()
    body = _as(client, waka).get(url).content.decode()
    assert appraisal.teacher.full_name in body
    assert "Amat Baik" not in body


# --- assignment ---------------------------------------------------------------------------------------


def _assign(client, period, teacher, assessor_user):
    return client.post(
        reverse("kompetensi:appraisal-assign", args=[period.pk]), {"teacher": teacher.pk, "assessor": assessor_user.pk}
    )


def test_kepala_assigns_the_waka_with_the_pkg_instrument_of_the_year(client, kepala, waka, guru, period):
    response = _assign(_as(client, kepala), period, guru.staff, waka.user)
    assert response.status_code == 302
    made = Appraisal.objects.get(teacher=guru.staff)
    assert made.assessor == waka.user
    assert made.instrument_version.instrument.code == "pkg-mapel"
    assert made.instrument_version.academic_year == period.academic_year
    assert made.instrument_version.is_frozen


def test_a_teacher_cannot_appraise_himself(client, kepala, guru, period):
    _assign(_as(client, kepala), period, guru.staff, guru.user)
    assert not Appraisal.objects.exists()


def test_the_kepala_is_appraised_only_by_the_pengawas(client, kepala, waka, pengawas, period):
    _as(client, kepala)
    _assign(client, period, kepala.staff, waka.user)
    assert not Appraisal.objects.exists()
    _assign(client, period, kepala.staff, pengawas.user)
    assert Appraisal.objects.get(teacher=kepala.staff).assessor == pengawas.user


def test_a_bk_teacher_without_a_bk_instrument_gets_a_message_and_others_proceed(client, madrasah, kepala, guru, period):
    bk = StaffFactory(madrasah=madrasah, teacher_type=TeacherType.COUNSELLOR, name="Konselor Satu")
    response = _as(client, kepala).post(
        reverse("kompetensi:appraisal-assign-bulk", args=[period.pk]), {"assessor": kepala.user.pk}, follow=True
    )
    assert response.status_code == 200
    assert "Konselor Satu" in response.content.decode()
    assert Appraisal.objects.filter(teacher=guru.staff, assessor=kepala.user).exists()
    assert not Appraisal.objects.filter(teacher=bk).exists()
    assert not Appraisal.objects.filter(teacher=kepala.staff).exists()  # himself: skipped


def test_waka_cannot_assign(client, waka, guru, period):
    assert _assign(_as(client, waka), period, guru.staff, waka.user).status_code == 403
    assert not Appraisal.objects.exists()


# --- scoring ------------------------------------------------------------------------------------------


def test_the_assessor_scores_and_the_change_is_recorded(client, kepala, appraisal):
    first = _items(appraisal)[0][0]
    response = _as(client, kepala).post(
        reverse("kompetensi:appraisal-score", args=[appraisal.pk]),
        {"version": "0", f"item-{first.pk}": "2", f"note-{first.pk}": "Baik"},
    )
    assert response.status_code == 302
    score = AppraisalScore.objects.get(appraisal=appraisal, item=first)
    assert (score.points, score.note) == (2, "Baik")
    appraisal.refresh_from_db()
    assert appraisal.revision == 1
    event = AppraisalEvent.objects.get(appraisal=appraisal, action="saved")
    assert event.changes == [{"what": "item", "item": first.pk, "from": None, "to": 2}]
    client.post(reverse("kompetensi:appraisal-score", args=[appraisal.pk]), {"version": "1", f"item-{first.pk}": "1"})
    assert AppraisalEvent.objects.filter(action="saved").last().changes[0] == {
        "what": "item",
        "item": first.pk,
        "from": 2,
        "to": 1,
    }
    assert AppraisalScore.objects.get(appraisal=appraisal, item=first).note == "Baik"  # kept


@pytest.mark.parametrize("value", ["3", "-1", "1.5", "dua"])
def test_a_score_outside_0_1_2_is_refused_and_nothing_is_written(client, kepala, appraisal, value):
    first, second = _items(appraisal)[0][:2]
    response = _as(client, kepala).post(
        reverse("kompetensi:appraisal-score", args=[appraisal.pk]),
        {"version": "0", f"item-{first.pk}": "2", f"item-{second.pk}": value},
    )
    assert response.status_code == 400
    assert not AppraisalScore.objects.exists()
    appraisal.refresh_from_db()
    assert appraisal.revision == 0


def test_an_indicator_of_another_instrument_is_refused(client, kepala, appraisal):
    foreign = Item.objects.exclude(section__version=appraisal.instrument_version).first() or Item(pk=999999)
    response = _as(client, kepala).post(
        reverse("kompetensi:appraisal-score", args=[appraisal.pk]),
        {"version": "0", f"item-{foreign.pk or 999999}": "1"},
    )
    assert response.status_code == 400
    assert not AppraisalScore.objects.exists()


@pytest.mark.parametrize(("persona", "status"), [("waka", 404), ("guru_lain", 404), ("guru", 403), ("operator", 404)])
def test_nobody_but_the_assessor_scores(client, request, appraisal, persona, status):
    first = _items(appraisal)[0][0]
    response = _as(client, request.getfixturevalue(persona)).post(
        reverse("kompetensi:appraisal-score", args=[appraisal.pk]), {f"item-{first.pk}": "2"}
    )
    assert response.status_code == status
    assert not AppraisalScore.objects.exists()


def test_scoring_is_closed_once_submitted(client, kepala, appraisal):
    Appraisal.objects.filter(pk=appraisal.pk).update(stage=AppraisalStage.SUBMITTED)
    first = _items(appraisal)[0][0]
    response = _as(client, kepala).post(
        reverse("kompetensi:appraisal-score", args=[appraisal.pk]), {"version": "0", f"item-{first.pk}": "2"}
    )
    assert response.status_code == 400
    assert not AppraisalScore.objects.exists()


def test_live_results_show_the_guides_worked_example(client, kepala, appraisal):
    first_competency = _items(appraisal)[0]
    data = {f"item-{item.pk}": str(v) for item, v in zip(first_competency, WORKED_EXAMPLE, strict=True)}
    data["version"] = "0"
    response = _as(client, kepala).post(
        reverse("kompetensi:appraisal-score", args=[appraisal.pk]), data, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="pkg-result"' in body and "<html" not in body
    assert "58,33" in body
    assert "6 dari 78" in body or "6 of 78" in body  # progress, no total yet
    result = appraisal_result(appraisal=appraisal)
    assert result.pkg is None
    assert result.sections[0].result.score == 3


def test_a_total_between_two_bands_is_read_by_its_lower_bound(client, kepala, appraisal):
    points = _sedang_points(appraisal)
    assert _post_all(_as(client, kepala), appraisal, points).status_code == 302
    body = client.get(reverse("kompetensi:appraisal-detail", args=[appraisal.pk])).content.decode()
    assert "34 / 56" in body and "60,71" in body and "Sedang" in body
    bands = [Band(b.lower_bound, b.label) for b in appraisal.instrument_version.bands.all()]
    expected = score_pkg(competencies=list(enumerate(points)), bands=bands)
    assert (expected.total, expected.predikat) == (34, "Sedang")
    assert appraisal_result(appraisal=appraisal).pkg.nilai == expected.nilai


def test_the_results_store_writes_competency_rows(appraisal):
    factories.score_all(appraisal, [WORKED_EXAMPLE])
    stored = appraisal_results_store(appraisal)
    appraisal.refresh_from_db()
    assert appraisal.total == stored.total == 3 + 13 * 4
    assert appraisal.predikat == "Amat Baik"
    first = CompetencyResult.objects.get(appraisal=appraisal, competency__number=1)
    assert (first.score, first.percentage.quantize(Decimal("0.01"))) == (3, Decimal("58.33"))
    assert CompetencyResult.objects.filter(appraisal=appraisal).count() == 14


def test_the_results_store_refuses_an_incomplete_appraisal(appraisal):
    from madrasah.errors import ApplicationError

    with pytest.raises(ApplicationError):
        appraisal_results_store(appraisal)
    assert not CompetencyResult.objects.exists()


# --- reading and self-evaluation ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [("guru", 200), ("kepala", 200), ("guru_lain", 404), ("waka", 404), ("operator", 404), ("pengawas", 404)],
)
def test_only_the_teacher_the_assessor_and_the_kepala_read_an_appraisal(client, request, appraisal, persona, status):
    response = _as(client, request.getfixturevalue(persona)).get(
        reverse("kompetensi:appraisal-detail", args=[appraisal.pk])
    )
    assert response.status_code == status


def test_the_teacher_does_not_see_draft_scores(client, guru, appraisal):
    factories.score_all(appraisal)
    body = _as(client, guru).get(reverse("kompetensi:appraisal-detail", args=[appraisal.pk])).content.decode()
    assert 'data-testid="pkg-result"' not in body


def test_the_teacher_self_evaluates_and_the_assessor_sees_it(client, guru, kepala, appraisal):
    first = _items(appraisal)[0][0]
    response = _as(client, guru).post(
        reverse("kompetensi:appraisal-self", args=[appraisal.pk]),
        {f"item-{first.pk}": "1", "reflection": "Perlu belajar asesmen diagnostik."},
    )
    assert response.status_code == 302
    evaluation = SelfEvaluation.objects.get(appraisal=appraisal)
    assert evaluation.scores == {str(first.pk): 1}
    assert not AppraisalScore.objects.exists()  # the assessor's scores are untouched
    body = _as(client, kepala).get(reverse("kompetensi:appraisal-detail", args=[appraisal.pk])).content.decode()
    assert "Perlu belajar asesmen diagnostik." in body


def test_a_self_score_outside_0_1_2_is_refused(client, guru, appraisal):
    first = _items(appraisal)[0][0]
    response = _as(client, guru).post(
        reverse("kompetensi:appraisal-self", args=[appraisal.pk]), {f"item-{first.pk}": "5"}
    )
    assert response.status_code == 400
    assert not SelfEvaluation.objects.exists()


@pytest.mark.parametrize(("persona", "status"), [("guru_lain", 404), ("waka", 404), ("kepala", 403)])
def test_another_person_cannot_open_the_self_evaluation(client, request, appraisal, persona, status):
    SelfEvaluation.objects.create(appraisal=appraisal, reflection="Rahasia saya.")
    response = _as(client, request.getfixturevalue(persona)).get(
        reverse("kompetensi:appraisal-self", args=[appraisal.pk])
    )
    assert response.status_code == status
    assert "Rahasia saya." not in response.content.decode()


def test_an_assessor_appraising_himself_is_refused_even_when_written_directly(client, guru, period):
    mine = factories.appraisal(period, guru.staff, guru.user)
    first = _items(mine)[0][0]
    response = _as(client, guru).post(
        reverse("kompetensi:appraisal-score", args=[mine.pk]), {"version": "0", f"item-{first.pk}": "2"}
    )
    assert response.status_code == 400
    assert not AppraisalScore.objects.exists()


# --- evidence -----------------------------------------------------------------------------------------


def test_the_assessor_uploads_a_document_and_the_teacher_downloads_it(client, media, kepala, guru, appraisal):
    section = appraisal.instrument_version.sections.order_by("order").first()
    upload = SimpleUploadedFile("modul.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    response = _as(client, kepala).post(
        reverse("kompetensi:appraisal-evidence-add", args=[appraisal.pk]),
        {"section": section.pk, "note": "Modul ajar lengkap.", "file": upload},
    )
    assert response.status_code == 302
    evidence = AppraisalEvidence.objects.get()
    assert evidence.original_name == "modul.pdf" and evidence.file.name.endswith(".pdf")
    url = reverse("kompetensi:appraisal-evidence-download", args=[evidence.pk])
    assert _as(client, guru).get(url).status_code == 200
    assert _as(client, kepala).get(url).status_code == 200


def test_a_renamed_program_is_refused(client, media, kepala, appraisal):
    section = appraisal.instrument_version.sections.order_by("order").first()
    upload = SimpleUploadedFile("modul.pdf", b"MZ\x90\x00\x03\x00\x00\x00", content_type="application/pdf")
    _as(client, kepala).post(
        reverse("kompetensi:appraisal-evidence-add", args=[appraisal.pk]), {"section": section.pk, "file": upload}
    )
    assert not AppraisalEvidence.objects.exists()


@pytest.mark.parametrize("persona", ["guru_lain", "waka", "operator", "outsider"])
def test_others_cannot_download_a_pkg_document(client, request, media, kepala, appraisal, persona):
    section = appraisal.instrument_version.sections.order_by("order").first()
    upload = SimpleUploadedFile("modul.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    _as(client, kepala).post(
        reverse("kompetensi:appraisal-evidence-add", args=[appraisal.pk]), {"section": section.pk, "file": upload}
    )
    evidence = AppraisalEvidence.objects.get()
    response = _as(client, request.getfixturevalue(persona)).get(
        reverse("kompetensi:appraisal-evidence-download", args=[evidence.pk])
    )
    assert response.status_code == 404


# --- standing -----------------------------------------------------------------------------------------


def test_standing_counts_only_approved_appraisals(client, guru, appraisal):
    factories.score_all(appraisal, [WORKED_EXAMPLE])
    appraisal_results_store(appraisal)
    assert competency_standing(teacher=guru.staff)["appraisal"] is None
    home = _as(client, guru).get(reverse("madrasah:home-guru")).content.decode()
    assert 'data-testid="standing-none"' in home

    Appraisal.objects.filter(pk=appraisal.pk).update(stage=AppraisalStage.APPROVED)
    standing = competency_standing(teacher=guru.staff)
    assert standing["appraisal"] == appraisal
    assert standing["competencies"][0]["score"] == 3
    assert [d["name"] for d in standing["domains"]][0] == "Pedagogik"
    home = client.get(reverse("madrasah:home-guru")).content.decode()
    assert "Amat Baik" in home


def test_a_later_draft_does_not_replace_the_approved_standing(madrasah, kepala, guru, appraisal):
    from tests.factories.madrasah import AcademicYearFactory

    factories.score_all(appraisal)
    appraisal_results_store(appraisal)
    Appraisal.objects.filter(pk=appraisal.pk).update(stage=AppraisalStage.APPROVED)
    next_year = AcademicYearFactory(madrasah=madrasah, start_year=2027)
    later = factories.appraisal(factories.appraisal_period(madrasah, next_year, kepala), guru.staff, kepala.user)
    factories.score_all(later, default=0)
    appraisal_results_store(later)
    assert competency_standing(teacher=guru.staff)["appraisal"] == appraisal
