"""The stages of a PKG appraisal through HTTP: the assessor (the Waka) submits, the teacher (the guru)
signs or asks for clarification, the Kepala approves (locked) or reopens with a reason; every refused
step changes nothing. And the printable forms, and the demo's PKG history."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from kompetensi.appraisal.selectors.results import appraisal_is_locked
from kompetensi.appraisal.services.scores import appraisal_evidence_add, appraisal_scores_save, self_evaluation_save
from kompetensi.appraisal.services.setup import appraisal_assign
from kompetensi.appraisal.services.transitions import appraisal_approve, appraisal_sign, appraisal_submit
from kompetensi.models import Appraisal, AppraisalEvent, AppraisalStage, Item
from madrasah.errors import ApplicationError
from madrasah.models import Membership, Notification, Role, TeacherType
from madrasah.notifications import notification_message
from tests.factories.appraisal import period_with_defaults

S = AppraisalStage


@pytest.fixture
def period(madrasah, kepala):
    return period_with_defaults(madrasah=madrasah, kepala=kepala)


@pytest.fixture
def appraisal(period, guru, waka, kepala):
    """The guru's PKG, appraised by the Waka."""
    return appraisal_assign(period=period, teacher=guru.staff, assessor=waka.user, user=kepala.user)


def items_of(appraisal) -> list[Item]:
    return list(
        Item.objects.filter(section__version=appraisal.instrument_version).order_by("section__order", "order", "pk")
    )


def score(appraisal, user, *, points=2, leave=0) -> None:
    items = items_of(appraisal)
    shown = items[: len(items) - leave]
    appraisal_scores_save(appraisal=appraisal, user=user, scores={i.pk: {"points": points} for i in shown})


def submitted(appraisal, waka):
    score(appraisal, waka.user)
    return appraisal_submit(appraisal=appraisal, user=waka.user)


def signed(appraisal, waka, guru):
    submitted(appraisal, waka)
    return appraisal_sign(appraisal=appraisal, user=guru.user)


def post(client, membership, name: str, appraisal, data=None):
    client.force_login(membership.user)
    return client.post(reverse(f"kompetensi:{name}", args=[appraisal.pk]), data or {})


def stage_of(appraisal) -> str:
    return Appraisal.objects.values_list("stage", flat=True).get(pk=appraisal.pk)


def messages_of(response) -> list[str]:
    return [str(m) for m in response.wsgi_request._messages]


# --- submit -------------------------------------------------------------------------------------------


def test_the_assessor_submits_a_complete_appraisal_and_the_teacher_is_told(client, appraisal, waka, guru):
    score(appraisal, waka.user, points=1)
    response = post(client, waka, "appraisal-submit", appraisal)
    assert response.status_code == 302 and response.url == appraisal.get_absolute_url()
    appraisal.refresh_from_db()
    assert appraisal.stage == S.SUBMITTED and appraisal.submitted_at is not None
    assert appraisal.total == 28 and appraisal.predikat == "Kurang"  # every competency at 50% → 2
    assert appraisal.competency_results.count() == 14
    note = Notification.objects.get(user=guru.user)
    assert "50" not in notification_message(note) and "Kurang" not in notification_message(
        note
    )  # no scores in a notification
    assert appraisal.events.filter(action="submitted").exists()


def test_submitting_with_unscored_indicators_is_refused_and_says_how_many(client, appraisal, waka):
    score(appraisal, waka.user, leave=3)
    events = AppraisalEvent.objects.count()
    response = post(client, waka, "appraisal-submit", appraisal)
    assert response.status_code == 302
    assert any("3" in m for m in messages_of(response))
    assert stage_of(appraisal) == S.IN_PROGRESS
    assert AppraisalEvent.objects.count() == events
    assert not appraisal.competency_results.exists()


def test_only_the_assessor_submits(client, appraisal, waka, guru, guru_lain, kepala):
    score(appraisal, waka.user)
    assert post(client, guru, "appraisal-submit", appraisal).status_code == 403
    assert post(client, kepala, "appraisal-submit", appraisal).status_code == 403
    assert post(client, guru_lain, "appraisal-submit", appraisal).status_code == 404
    assert stage_of(appraisal) == S.IN_PROGRESS


# --- sign and clarify ---------------------------------------------------------------------------------


def test_the_teacher_signs_as_received_with_a_response(client, appraisal, waka, guru, kepala):
    submitted(appraisal, waka)
    response = post(client, guru, "appraisal-sign", appraisal, {"response": "Terima kasih."})
    assert response.status_code == 302
    appraisal.refresh_from_db()
    assert appraisal.stage == S.SIGNED and appraisal.signed_at and appraisal.teacher_response == "Terima kasih."
    assert set(Notification.objects.filter(kind="appraisal_signed").values_list("user_id", flat=True)) == {
        waka.user_id,
        kepala.user_id,
    }


def test_signing_before_submission_is_refused(client, appraisal, guru):
    response = post(client, guru, "appraisal-sign", appraisal)
    assert response.status_code == 302 and messages_of(response)
    assert stage_of(appraisal) == S.IN_PROGRESS


def test_only_the_teacher_signs_or_asks(client, appraisal, waka, kepala, guru_lain):
    submitted(appraisal, waka)
    assert post(client, waka, "appraisal-sign", appraisal).status_code == 403
    assert post(client, kepala, "appraisal-clarify", appraisal, {"text": "?"}).status_code == 403
    assert post(client, guru_lain, "appraisal-sign", appraisal).status_code == 404
    assert stage_of(appraisal) == S.SUBMITTED


def test_a_clarification_request_needs_text_and_notifies_the_assessor_and_kepala(client, appraisal, waka, guru, kepala):
    submitted(appraisal, waka)
    post(client, guru, "appraisal-clarify", appraisal, {"text": "  "})
    assert stage_of(appraisal) == S.SUBMITTED
    post(client, guru, "appraisal-clarify", appraisal, {"text": "Indikator 4.3 sudah saya lakukan."})
    appraisal.refresh_from_db()
    assert appraisal.stage == S.CLARIFICATION and "4.3" in appraisal.clarification_request
    told = Notification.objects.filter(kind="appraisal_clarification").values_list("user_id", flat=True)
    assert set(told) == {waka.user_id, kepala.user_id}


# --- approve ------------------------------------------------------------------------------------------


def test_the_kepala_approves_a_signed_appraisal_and_it_is_locked(client, appraisal, waka, guru, kepala):
    signed(appraisal, waka, guru)
    response = post(client, kepala, "appraisal-approve", appraisal)
    assert response.status_code == 302
    appraisal.refresh_from_db()
    assert appraisal.stage == S.APPROVED and appraisal.approved_by == kepala.user
    assert appraisal_is_locked(appraisal)
    assert appraisal.nilai == 100 and appraisal.predikat == "Amat Baik"


def test_approving_before_the_teacher_signs_is_refused(client, appraisal, waka, kepala):
    submitted(appraisal, waka)
    response = post(client, kepala, "appraisal-approve", appraisal)
    assert response.status_code == 302 and messages_of(response)
    assert stage_of(appraisal) == S.SUBMITTED


def test_approving_with_an_unscored_indicator_is_refused(client, appraisal, waka, guru, kepala):
    signed(appraisal, waka, guru)
    appraisal.scores.filter(item=items_of(appraisal)[0]).update(points=None)  # behind the services' back
    post(client, kepala, "appraisal-approve", appraisal)
    assert stage_of(appraisal) == S.SIGNED


def test_approving_after_a_clarification_request_needs_the_confirmation(client, appraisal, waka, guru, kepala):
    submitted(appraisal, waka)
    post(client, guru, "appraisal-clarify", appraisal, {"text": "Mohon dijelaskan."})
    post(client, kepala, "appraisal-approve", appraisal)
    assert stage_of(appraisal) == S.CLARIFICATION
    post(client, kepala, "appraisal-approve", appraisal, {"confirm": "1"})
    assert stage_of(appraisal) == S.APPROVED


def test_only_the_kepala_approves(client, appraisal, waka, guru):
    signed(appraisal, waka, guru)
    assert post(client, waka, "appraisal-approve", appraisal).status_code == 403
    assert post(client, guru, "appraisal-approve", appraisal).status_code == 403
    assert stage_of(appraisal) == S.SIGNED


def test_the_kepala_cannot_approve_his_own_appraisal(client, period, kepala, pengawas):
    own = appraisal_assign(period=period, teacher=kepala.staff, assessor=pengawas.user, user=kepala.user)
    score(own, pengawas.user)
    appraisal_submit(appraisal=own, user=pengawas.user)
    appraisal_sign(appraisal=own, user=kepala.user)
    assert post(client, kepala, "appraisal-approve", own).status_code == 403
    with pytest.raises(ApplicationError):
        appraisal_approve(appraisal=own, user=kepala.user)
    assert stage_of(own) == S.SIGNED
    # The pengawas who appraised him approves it, in the browser too (docs/domain.md §7: the pengawas is the
    # Kepala's assessor).
    assert post(client, pengawas, "appraisal-approve", own).status_code == 302
    assert stage_of(own) == S.APPROVED


def test_editing_after_approval_is_refused_and_writes_nothing(client, appraisal, waka, guru, kepala):
    signed(appraisal, waka, guru)
    appraisal_approve(appraisal=appraisal, user=kepala.user)
    item = items_of(appraisal)[0]
    events = AppraisalEvent.objects.count()
    client.force_login(waka.user)
    client.post(reverse("kompetensi:appraisal-score", args=[appraisal.pk]), {f"item-{item.pk}": "0"})
    assert appraisal.scores.get(item=item).points == 2
    with pytest.raises(ApplicationError):
        appraisal_evidence_add(appraisal=appraisal, user=waka.user, section_id=item.section_id, note="Terlambat.")
    with pytest.raises(ApplicationError):
        self_evaluation_save(appraisal=appraisal, user=guru.user, scores={}, reflection="Terlambat.")
    assert post(client, waka, "appraisal-submit", appraisal).status_code == 302
    assert post(client, kepala, "appraisal-approve", appraisal).status_code == 302  # already approved
    assert AppraisalEvent.objects.count() == events
    assert stage_of(appraisal) == S.APPROVED


# --- reopen -------------------------------------------------------------------------------------------


def test_reopening_needs_a_reason_and_is_logged_with_it(client, appraisal, waka, guru, kepala):
    signed(appraisal, waka, guru)
    appraisal_approve(appraisal=appraisal, user=kepala.user)
    post(client, kepala, "appraisal-reopen", appraisal, {"reason": " "})
    assert stage_of(appraisal) == S.APPROVED
    response = post(client, kepala, "appraisal-reopen", appraisal, {"reason": "Indikator 4.3 salah input."})
    assert response.status_code == 302
    appraisal.refresh_from_db()
    assert appraisal.stage == S.IN_PROGRESS and appraisal.approved_at is None and appraisal.signed_at is None
    event = appraisal.events.get(action="reopened")
    assert event.note == "Indikator 4.3 salah input." and event.actor == kepala.user
    assert event.changes == [{"what": "stage", "from": "disetujui", "to": "proses"}]
    assert Notification.objects.filter(user=waka.user).exists() and Notification.objects.filter(user=guru.user).exists()


def test_only_the_kepala_reopens(client, appraisal, waka, guru):
    submitted(appraisal, waka)
    assert post(client, waka, "appraisal-reopen", appraisal, {"reason": "x"}).status_code == 403
    assert post(client, guru, "appraisal-reopen", appraisal, {"reason": "x"}).status_code == 403
    assert stage_of(appraisal) == S.SUBMITTED


def test_the_history_shows_score_changes_after_a_reopen(client, appraisal, waka, guru, kepala):
    signed(appraisal, waka, guru)
    appraisal_approve(appraisal=appraisal, user=kepala.user)
    post(client, kepala, "appraisal-reopen", appraisal, {"reason": "Indikator 4.3 perlu dinilai ulang."})
    item = next(i for i in items_of(appraisal) if i.indicator.competency.number == 4 and i.indicator.number == 3)
    appraisal_scores_save(appraisal=appraisal, user=waka.user, scores={item.pk: {"points": 1}})
    client.force_login(kepala.user)
    body = client.get(appraisal.get_absolute_url()).content.decode()
    assert 'data-testid="appraisal-history"' in body
    assert "4.3: 2 → 1" in body
    assert "Indikator 4.3 perlu dinilai ulang." in body
    assert 'data-action="reopened"' in body and 'data-action="approved"' in body


# --- printable forms ------------------------------------------------------------------------------------


@pytest.fixture
def approved(appraisal, waka, guru, kepala):
    items = items_of(appraisal)
    # 13 competencies fully shown, the last (6 indicators) at 1 each → 50% → 2: total 54, 96,43.
    last = items[-1].section_id
    appraisal_scores_save(
        appraisal=appraisal,
        user=waka.user,
        scores={i.pk: {"points": 1 if i.section_id == last else 2, "note": "Catatan"} for i in items},
    )
    appraisal_evidence_add(appraisal=appraisal, user=waka.user, section_id=items[0].section_id, note="Modul ajar rapi.")
    appraisal_submit(appraisal=appraisal, user=waka.user)
    appraisal_sign(appraisal=appraisal, user=guru.user)
    return appraisal_approve(appraisal=appraisal, user=kepala.user)


def test_the_summary_prints_three_signature_blocks_with_nips_and_a_comma_nilai(client, approved, guru, waka, kepala):
    client.force_login(guru.user)
    response = client.get(reverse("kompetensi:appraisal-print-summary", args=[approved.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    for testid in ("signature-teacher", "signature-assessor", "signature-kepala"):
        assert f'data-testid="{testid}"' in body
    for person in (guru, waka, kepala):
        assert person.staff.full_name in body
        assert f"NIP. {person.staff.nip_display}" in body
    assert "96,43" in body and "54 / 56" in body and "Amat Baik" in body
    assert body.count('data-testid="summary-row"') == 14
    assert approved.madrasah.district_office.upper() in body
    assert f"{approved.madrasah.city}, " in body


def test_the_evidence_sheets_list_indicators_scores_notes_and_evidence(client, approved, kepala):
    client.force_login(kepala.user)
    body = client.get(reverse("kompetensi:appraisal-print-evidence", args=[approved.pk])).content.decode()
    assert body.count('data-testid="evidence-sheet"') == 14
    assert "Modul ajar rapi." in body and "Catatan" in body
    assert 'data-testid="signature-kepala"' in body


def test_the_teacher_cannot_print_before_submission(client, appraisal, guru, guru_lain):
    client.force_login(guru.user)
    assert client.get(reverse("kompetensi:appraisal-print-summary", args=[appraisal.pk])).status_code == 302
    client.force_login(guru_lain.user)
    assert client.get(reverse("kompetensi:appraisal-print-summary", args=[appraisal.pk])).status_code == 404


# --- the demo ------------------------------------------------------------------------------------------

TODAY = dt.date(2026, 11, 26)


def test_the_demo_has_last_year_approved_for_every_teacher_and_mixed_stages_now(db):
    call_command("seed_demo", teachers=12, semesters=3, seed=3, today=TODAY.isoformat(), stdout=io.StringIO())
    appraisals = Appraisal.objects.select_related("period__academic_year")
    current_year = max(a.period.academic_year.start_year for a in appraisals)
    last = appraisals.filter(period__academic_year__start_year=current_year - 1)
    madrasah = last.first().madrasah
    teachers = set(
        madrasah.staff.filter(is_active=True)
        .filter(teacher_type__in=(TeacherType.SUBJECT, TeacherType.COUNSELLOR))
        .values_list("pk", flat=True)
    )
    assert set(last.filter(stage=S.APPROVED).values_list("teacher_id", flat=True)) == teachers
    counsellors = last.filter(teacher__teacher_type=TeacherType.COUNSELLOR)
    assert counsellors.exists()
    assert {a.instrument_version.framework.code for a in counsellors} == {"pkg-bk"}
    assert all(a.nilai is not None and a.predikat for a in last)
    stages = set(appraisals.filter(period__academic_year__start_year=current_year).values_list("stage", flat=True))
    assert {S.IN_PROGRESS, S.SUBMITTED, S.SIGNED, S.CLARIFICATION} <= stages
    assert appraisals.filter(stage=S.CLARIFICATION).count() == 1
    kepala = Membership.objects.get(madrasah=madrasah, roles__role=Role.KEPALA)
    assert last.get(teacher=kepala.staff).assessor.memberships.filter(roles__role=Role.PENGAWAS).exists()
    assert last.filter(approved_at__year=current_year).exists()  # approved in the June of that year
