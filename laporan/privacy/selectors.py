"""Reads of personal data. A member's own personal data, all of it, as one ZIP ("Unduh data saya";
UU PDP art. 7 and 13: the right to see and to obtain one's data in a commonly used, machine-readable form).

`personal_data_collect` reads everything the product holds about the member of a madrasah — one query
per kind whatever the amount of data (a few kinds take two: a list and its details) — and
`personal_data_zip` writes it as JSON, one file per kind, with a README in Indonesian, the files the
teacher uploaded or that belong to their records, and their own built documents.

What the teacher does not see in the product is not exported either: a supervision sheet still a
draft (the supervisor's working copy, shown once submitted) and the scores of a PKG still in progress.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import tempfile
import zipfile
from collections import defaultdict
from pathlib import PurePosixPath

from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from kompetensi.models import (
    Appraisal,
    AppraisalEvidence,
    AppraisalScore,
    AppraisalStage,
    AppreciationNote,
    CompetencyResult,
    Evidence,
    FollowUp,
    FollowUpProgress,
    Observation,
    ObservationEvent,
    ObservationScore,
    ObservationState,
    PkbActivity,
    SelfEvaluation,
)
from madrasah.models import AccessLog, Madrasah, Membership, Notification, Staff
from madrasah.notifications import notification_message
from mutu.models import GoodPractice

from ..documents.rules import load_all
from ..models import PurgedFile, Report, ReportStatus, RetentionSetting

SPOOL_BYTES = 8 * 1024 * 1024  # kept in memory below this; a temporary file above
_UNSAFE = re.compile(r"[^\w.\- ]+")

STAFF_FIELDS = (
    "name", "front_title", "back_title", "sex", "birth_place", "birth_date", "nip", "nignp", "npk", "nuptk",
    "peg_id", "employment_status", "rank", "career_level", "certified", "teacher_type", "extra_duties", "phone",
    "is_active", "created_at", "updated_at", "madrasah__name",
)  # fmt: skip


def _user_name(prefix: str) -> tuple[str, ...]:
    return (f"{prefix}__username", f"{prefix}__first_name", f"{prefix}__last_name")


def _visible_observations(staff_id: int) -> Q:
    return Q(teacher_id=staff_id) & ~Q(state=ObservationState.DRAFT)


def personal_data_collect(*, membership: Membership) -> dict[str, object]:
    """Everything held about the member (a dict of JSON-ready lists, by kind) and the files to include.
    Queries: a fixed number, whatever the amount of data of each kind."""
    user = membership.user
    staff_id = membership.staff_id
    data: dict[str, object] = {
        "akun": {
            "username": user.username,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "date_joined": user.date_joined,
            "last_login": user.last_login,
            "memberships": list(
                Membership.objects.filter(user=user)
                .order_by("madrasah__name", "roles__role")
                .values("madrasah__name", "is_active", "created_at", "roles__role")
            ),
        },
        "pemberitahuan": [
            {"created_at": n.created_at, "text": notification_message(n), "read_at": n.read_at}
            for n in Notification.objects.filter(user=user).order_by("created_at", "pk")
        ],
    }
    files: list[dict] = []
    if staff_id is None:
        data["berkas"] = files
        return data

    data["profil"] = {
        **(Staff.objects.filter(pk=staff_id).values(*STAFF_FIELDS).first() or {}),
        "subjects": list(
            Staff.subjects.through.objects.filter(staff_id=staff_id).values_list("subject__name", flat=True)
        ),
    }

    observations = list(
        Observation.objects.filter(_visible_observations(staff_id))
        .order_by("created_at", "pk")
        .values(
            "id", "instrument_version__instrument__name", "row__programme__semester__academic_year__start_year",
            "row__programme__semester__kind", *_user_name("supervisor"), "observed_on", "state", "percentage",
            "predikat", "pre_notes", "post_notes", "strengths", "improvements", "submitted_at", "acknowledged_at",
            "teacher_response", "clarification_request", "finalised_at",
        )
    )  # fmt: skip
    scores = defaultdict(list)
    for score in (
        ObservationScore.objects.filter(observation__in=Observation.objects.filter(_visible_observations(staff_id)))
        .order_by("item__section__order", "item__order", "pk")
        .values("observation_id", "item__section__title", "item__text", "points", "not_applicable", "note")
    ):
        scores[score.pop("observation_id")].append(score)
    events = defaultdict(list)
    for event in (
        ObservationEvent.objects.filter(observation__in=Observation.objects.filter(_visible_observations(staff_id)))
        .order_by("at", "pk")
        .values("observation_id", "at", "action", "note", "changes", *_user_name("actor"))
    ):
        events[event.pop("observation_id")].append(event)
    for observation in observations:
        observation["scores"] = scores.get(observation["id"], [])
        observation["history"] = events.get(observation["id"], [])
    data["supervisi"] = observations

    follow_ups = list(
        FollowUp.objects.filter(teacher_id=staff_id)
        .order_by("deadline", "pk")
        .values(
            "id",
            "observation_id",
            "kind",
            "description",
            "responsible",
            "deadline",
            "status",
            "closed_at",
            "created_at",
        )
    )
    progress = defaultdict(list)
    for entry in (
        FollowUpProgress.objects.filter(follow_up__teacher_id=staff_id)
        .order_by("created_at", "pk")
        .values("follow_up_id", "note", "created_at", "evidence__original_name", *_user_name("author"))
    ):
        progress[entry.pop("follow_up_id")].append(entry)
    for follow_up in follow_ups:
        follow_up["progress"] = progress.get(follow_up["id"], [])
    data["tindak_lanjut"] = follow_ups

    appraisals = list(
        Appraisal.objects.filter(teacher_id=staff_id)
        .order_by("period__academic_year__start_year", "pk")
        .values(
            "id", "period__academic_year__start_year", *_user_name("assessor"), "stage", "total", "nilai", "predikat",
            "submitted_at", "signed_at", "teacher_response", "clarification_request", "approved_at", "created_at",
        )
    )  # fmt: skip
    shown = Q(appraisal__teacher_id=staff_id) & ~Q(appraisal__stage=AppraisalStage.IN_PROGRESS)
    indicator_scores = defaultdict(list)
    for score in (
        AppraisalScore.objects.filter(shown)
        .order_by("item__section__order", "item__order", "pk")
        .values("appraisal_id", "item__section__title", "item__text", "points", "note")
    ):
        indicator_scores[score.pop("appraisal_id")].append(score)
    competencies = defaultdict(list)
    for result in (
        CompetencyResult.objects.filter(shown)
        .order_by("competency__number", "pk")
        .values("appraisal_id", "competency__number", "competency__name", "percentage", "score")
    ):
        competencies[result.pop("appraisal_id")].append(result)
    self_evaluations = {
        row.pop("appraisal_id"): row
        for row in SelfEvaluation.objects.filter(appraisal__teacher_id=staff_id).values(
            "appraisal_id", "scores", "reflection", "updated_at"
        )
    }
    for appraisal in appraisals:
        if appraisal["stage"] == AppraisalStage.IN_PROGRESS:
            appraisal.update(total=None, nilai=None, predikat="")
        appraisal["indicator_scores"] = indicator_scores.get(appraisal["id"], [])
        appraisal["competencies"] = competencies.get(appraisal["id"], [])
        appraisal["self_evaluation"] = self_evaluations.get(appraisal["id"])
    data["pkg"] = appraisals

    pkb = list(
        PkbActivity.objects.filter(teacher_id=staff_id)
        .order_by("start_date", "pk")
        .values(
            "id", "kind", "title", "organiser", "start_date", "end_date", "jp", "minutes_per_jp", "status",
            "return_note", "verified_at", "in_house__title", "created_at", "evidence", "evidence_name",
        )
    )  # fmt: skip
    for activity in pkb:
        stored = activity.pop("evidence")
        if stored:
            files.append(_file(stored, activity["evidence_name"] or "sertifikat", "pkb", activity["id"]))
    data["pkb"] = pkb
    data["praktik_baik"] = list(
        GoodPractice.objects.filter(teacher_id=staff_id)
        .order_by("created_at", "pk")
        .values("title", "body", "status", "published_at", "created_at", "updated_at")
    )
    data["apresiasi"] = list(
        AppreciationNote.objects.filter(teacher_id=staff_id)
        .order_by("created_at", "pk")
        .values("text", "created_at", *_user_name("author"))
    )
    data["log_akses"] = list(
        AccessLog.objects.filter(staff_id=staff_id)
        .order_by("at", "pk")
        .values("at", "kind", "what", *_user_name("user"))
    )

    visible = Observation.objects.filter(_visible_observations(staff_id))
    for pk, stored, name in (
        Evidence.objects.filter(Q(observation__in=visible) | Q(follow_up__teacher_id=staff_id))
        .exclude(file="")
        .order_by("pk")
        .values_list("pk", "file", "original_name")
    ):
        files.append(_file(stored, name, "supervisi", pk))
    for pk, stored, name in (
        AppraisalEvidence.objects.filter(appraisal__teacher_id=staff_id)
        .exclude(file="")
        .order_by("pk")
        .values_list("pk", "file", "original_name")
    ):
        files.append(_file(stored, name, "pkg", pk))
    own_kinds = [k.code for k in load_all().values() if k.per_teacher and k.teacher_reads_own]
    for pk, stored, kind, period in (
        Report.objects.filter(teacher_id=staff_id, kind__in=own_kinds, status=ReportStatus.DONE)
        .exclude(file="")
        .order_by("pk")
        .values_list("pk", "file", "kind", "period")
    ):
        files.append(_file(stored, f"{kind}-{period}", "dokumen", pk))
    data["berkas"] = files
    return data


def _file(stored: str, name: str, folder: str, pk: int) -> dict:
    """Where a stored file goes in the ZIP: `berkas/<folder>/<id>-<cleaned name><stored extension>`."""
    suffix = PurePosixPath(stored).suffix.lower()
    clean = _UNSAFE.sub("_", PurePosixPath(str(name).replace("\\", "/")).name).strip(" ._")[:80] or "berkas"
    if suffix and not clean.lower().endswith(suffix):
        clean += suffix
    return {"stored": stored, "path": f"berkas/{folder}/{pk}-{clean}", "name": name}


def personal_data_zip(*, membership: Membership, data: dict[str, object]):
    """The ZIP as an open binary file positioned at its start (in memory when small). A file missing
    from storage is listed as missing in `berkas.json`, never an error."""
    archive = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 - handed to FileResponse
    files = data.get("berkas", [])
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        for entry in files:
            try:
                with default_storage.open(entry["stored"], "rb") as handle:
                    bundle.writestr(entry["path"], handle.read())
                entry["included"] = True
            except (FileNotFoundError, OSError):
                entry["included"] = False
        for kind, content in data.items():
            if kind == "berkas":
                content = [{"path": e["path"], "name": e["name"], "included": e["included"]} for e in files]
            bundle.writestr(f"{kind}.json", json.dumps(content, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2))
        readme = render_to_string(
            "laporan/personal_data_readme.txt",
            {
                "membership": membership,
                "kinds": sorted(data),
                "made_at": timezone.localtime(),
                "missing": [e for e in files if not e["included"]],
            },
        )
        bundle.writestr("README.txt", readme.replace("\n", "\r\n"))  # read on Windows as often as not
    archive.seek(0)
    return archive


def personal_data_filename(membership: Membership, *, today: dt.date | None = None) -> str:
    today = today or timezone.localdate()
    who = membership.user.username or str(membership.user_id)
    return f"data-saya-{_UNSAFE.sub('_', who)}-{today:%Y%m%d}.zip"


# --- retention ---------------------------------------------------------------------------------------


def retention_setting_of(*, madrasah: Madrasah) -> RetentionSetting:
    """The madrasah's setting, or (unsaved) the defaults it follows until the Kepala saves one."""
    return RetentionSetting.objects.filter(madrasah=madrasah).first() or RetentionSetting(madrasah=madrasah)


def purged_files_recent(*, madrasah: Madrasah, limit: int = 20) -> list[PurgedFile]:
    return list(PurgedFile.objects.filter(madrasah=madrasah).order_by("-purged_at", "-pk")[:limit])
