"""PKB: professional development log, verification, in-house activities (services and selectors).

docs/domain.md §10: each activity has a kind, organiser, dates, JP and minutes per JP and evidence, and
is verified by the Waka. In-house activities are recorded once by the Waka with their attendance list
and credit every attendee. Civil servants (PNS) are entitled to at least 20 JP a year (PP 11/2017 as
amended by PP 17/2020); PPPK are capped at 24 JP. Totals count VERIFIED entries of one academic year
(July–June), placed by their start date. The old JP→credit-point tables (superseded in 2023) are not
kept here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Case, Count, IntegerField, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce, ExtractYear
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from madrasah.errors import ApplicationError
from madrasah.models import EmploymentStatus, Madrasah, Membership, Staff, TeacherType, User
from madrasah.notifications import notification_create, notify_many

from .models import InHouseActivity, PkbActivity, PkbKind, PkbStatus
from .workflow.evidence import evidence_check, evidence_original_name

JP_MIN = 1
JP_MAX = 1000  # the database says the same (pkb_jp_1_1000, in_house_jp_1_1000)
PNS_MINIMUM_JP = 20  # PP 11/2017 as amended by PP 17/2020: at least 20 JP a year
PPPK_CAP_JP = 24  # PPPK: at most 24 JP a year
EDITABLE = (PkbStatus.SUBMITTED, PkbStatus.RETURNED)
# The fields an in-house activity copies onto every attendee's credit.
CREDIT_FIELDS = ("kind", "title", "organiser", "start_date", "end_date", "jp", "minutes_per_jp")


# --- the academic year (tahun pelajaran, July → June) ----------------------------------------------


def academic_start_year(day: dt.date) -> int:
    """2025 for any day from 1 July 2025 to 30 June 2026."""
    return day.year if day.month >= 7 else day.year - 1


def academic_year_bounds(start_year: int) -> tuple[dt.date, dt.date]:
    return dt.date(start_year, 7, 1), dt.date(start_year + 1, 6, 30)


def academic_year_name(start_year: int) -> str:
    return f"{start_year}/{start_year + 1}"


def current_academic_start_year() -> int:
    return academic_start_year(timezone.localdate())


def _start_year_expression():
    """The academic start year of an entry's start date, computed in SQL (for grouping by year)."""
    return Case(
        When(start_date__month__gte=7, then=ExtractYear("start_date")),
        default=ExtractYear("start_date") - 1,
        output_field=IntegerField(),
    )


# --- validation -----------------------------------------------------------------------------------


def _validate(*, jp: int | None, start_date: dt.date | None, end_date: dt.date | None, minutes_per_jp: int | None):
    if jp is None or not JP_MIN <= jp <= JP_MAX:
        raise ApplicationError(_("JP must be between 1 and 1,000."), field="jp")
    if minutes_per_jp is None or not 1 <= minutes_per_jp <= 600:
        raise ApplicationError(_("Minutes per JP must be between 1 and 600."), field="minutes_per_jp")
    if start_date is None or end_date is None:
        raise ApplicationError(_("Enter the start and end dates."), field="start_date")
    if end_date < start_date:
        raise ApplicationError(_("The end date is before the start date."), field="end_date")


def _checked_upload(upload) -> str:
    """The extension the upload's CONTENT has (PDF, JPEG, PNG, ≤ 5 MB); errors at `evidence`."""
    try:
        _content_type, extension = evidence_check(upload)
    except ApplicationError as error:
        raise ApplicationError(error.message, field="evidence") from None
    return extension


def _teacher_user_id(teacher_id: int) -> int | None:
    return Membership.objects.filter(staff_id=teacher_id, is_active=True).values_list("user_id", flat=True).first()


# --- the teacher's log ----------------------------------------------------------------------------


@dataclass(frozen=True)
class PkbData:
    kind: str
    title: str
    organiser: str
    start_date: dt.date
    end_date: dt.date
    jp: int
    minutes_per_jp: int = 45


def _attach(activity: PkbActivity, upload) -> str | None:
    """Store `upload` as the activity's evidence under a random name; returns the old file's name."""
    extension = _checked_upload(upload)
    old = activity.evidence.name or None
    activity.evidence.save(f"bukti{extension}", upload, save=False)
    activity.evidence_name = evidence_original_name(upload.name)
    return old


def _save_or_drop_file(activity: PkbActivity, new_file: bool) -> None:
    try:
        activity.save()
    except Exception:
        if new_file:
            activity.evidence.delete(save=False)
        raise


@transaction.atomic
def pkb_activity_create(*, teacher: Staff, user: User, data: PkbData, upload=None) -> PkbActivity:
    """Log one activity of `teacher` (waiting for verification), with optional evidence checked by its
    content. Writes one row and one file; nothing on a refusal. A retry logs it twice."""
    _validate(jp=data.jp, start_date=data.start_date, end_date=data.end_date, minutes_per_jp=data.minutes_per_jp)
    if data.kind not in PkbKind.values:
        raise ApplicationError(_("Choose a kind of activity."), field="kind")
    activity = PkbActivity(madrasah_id=teacher.madrasah_id, teacher=teacher, status=PkbStatus.SUBMITTED, **vars(data))
    if upload:
        _attach(activity, upload)
    _save_or_drop_file(activity, bool(upload))
    return activity


@transaction.atomic
def pkb_activity_update(*, activity: PkbActivity, user: User, data: PkbData, upload=None) -> PkbActivity:
    """Change the teacher's own entry while it waits or was returned; it goes back to the queue
    (the verifier's note is cleared). A replaced evidence file is deleted after the commit."""
    status = PkbActivity.objects.select_for_update().values_list("status", flat=True).get(pk=activity.pk)
    if activity.in_house_id:
        raise ApplicationError(_("This entry comes from an in-house activity; the Waka changes it there."))
    if status not in EDITABLE:
        raise ApplicationError(_("A verified entry can no longer be changed."))
    _validate(jp=data.jp, start_date=data.start_date, end_date=data.end_date, minutes_per_jp=data.minutes_per_jp)
    for name, value in vars(data).items():
        setattr(activity, name, value)
    old = _attach(activity, upload) if upload else None
    activity.status = PkbStatus.SUBMITTED
    activity.return_note = ""
    _save_or_drop_file(activity, bool(upload))
    if old:
        storage = activity.evidence.storage
        transaction.on_commit(lambda: storage.delete(old))
    return activity


@transaction.atomic
def pkb_activity_verify(*, activity: PkbActivity, user: User) -> PkbActivity:
    """Verify a waiting entry and tell the teacher. Refused for one's own entry and for entries not
    waiting (so a double click verifies once)."""
    locked = PkbActivity.objects.select_for_update().get(pk=activity.pk)
    if locked.status != PkbStatus.SUBMITTED:
        raise ApplicationError(_("Only entries waiting for verification can be verified."))
    if _teacher_user_id(locked.teacher_id) == user.pk:
        raise ApplicationError(_("Your own entries are verified by someone else."))
    activity.status = locked.status = PkbStatus.VERIFIED
    activity.verified_by = locked.verified_by = user
    activity.verified_at = locked.verified_at = timezone.now()
    activity.return_note = locked.return_note = ""
    locked.save(update_fields=["status", "verified_by", "verified_at", "return_note", "updated_at"])
    _tell_teacher(locked, _("Your PKB entry “%(title)s” has been verified.") % {"title": locked.title})
    return activity


@transaction.atomic
def pkb_activity_return(*, activity: PkbActivity, user: User, note: str) -> PkbActivity:
    """Return a waiting entry to the teacher with a note (required) and tell them."""
    note = (note or "").strip()
    if not note:
        raise ApplicationError(_("Write what the teacher should correct."), field="note")
    locked = PkbActivity.objects.select_for_update().get(pk=activity.pk)
    if locked.status != PkbStatus.SUBMITTED:
        raise ApplicationError(_("Only entries waiting for verification can be returned."))
    if _teacher_user_id(locked.teacher_id) == user.pk:
        raise ApplicationError(_("Your own entries are verified by someone else."))
    activity.status = locked.status = PkbStatus.RETURNED
    activity.return_note = locked.return_note = note
    locked.save(update_fields=["status", "return_note", "updated_at"])
    _tell_teacher(locked, _("Your PKB entry “%(title)s” has been returned with a note.") % {"title": locked.title})
    return activity


def _tell_teacher(activity: PkbActivity, text: str) -> None:
    user_id = _teacher_user_id(activity.teacher_id)
    if user_id:
        notification_create(user=user_id, madrasah=activity.madrasah, text=text, url=activity.get_absolute_url())


# --- selectors for the log ------------------------------------------------------------------------


def pkb_target(*, teacher: Staff) -> dict:
    """What the year's JP are measured against: a minimum for PNS, a cap for PPPK, nothing otherwise."""
    if teacher.employment_status in EmploymentStatus.civil_servant():
        return {"minimum": PNS_MINIMUM_JP, "cap": None}
    if teacher.employment_status in EmploymentStatus.pppk():
        return {"minimum": None, "cap": PPPK_CAP_JP}
    return {"minimum": None, "cap": None}


def pkb_totals(*, teacher: Staff, year: int) -> dict:
    """JP of `teacher`'s VERIFIED entries starting in academic year `year` (July–June), per kind and
    in total (one query), with the target: at least 20 JP for PNS, at most 24 JP for PPPK."""
    start, end = academic_year_bounds(year)
    rows = dict(
        PkbActivity.objects.filter(teacher=teacher, status=PkbStatus.VERIFIED, start_date__range=(start, end))
        .order_by()
        .values("kind")
        .annotate(jp=Sum("jp"))
        .values_list("kind", "jp")
    )
    by_kind = [{"kind": kind, "label": label, "jp": rows.get(kind, 0)} for kind, label in PkbKind.choices]
    total = sum(rows.values())
    target = pkb_target(teacher=teacher)
    minimum, cap = target["minimum"], target["cap"]
    return {
        "year": year,
        "year_name": academic_year_name(year),
        "by_kind": by_kind,
        "total": total,
        "minimum": minimum,
        "cap": cap,
        "percent": min(100, round(total * 100 / minimum)) if minimum else None,
        "reached": bool(minimum) and total >= minimum,
        "over_cap": bool(cap) and total > cap,
    }


def pkb_activities_of_teacher(*, teacher: Staff) -> QuerySet[PkbActivity]:
    """All entries of `teacher`, newest first, each with `academic_start_year` for grouping by year."""
    return (
        PkbActivity.objects.filter(teacher=teacher)
        .select_related("in_house")
        .annotate(academic_start_year=_start_year_expression())
        .order_by("-academic_start_year", "-start_date", "-pk")
    )


def pkb_years_of_teacher(*, teacher: Staff) -> list[int]:
    years = set(
        PkbActivity.objects.filter(teacher=teacher)
        .annotate(y=_start_year_expression())
        .order_by()
        .values_list("y", flat=True)
        .distinct()
    )
    years.add(current_academic_start_year())
    return sorted(years, reverse=True)


def pkb_queue(*, madrasah: Madrasah, user: User | None = None) -> QuerySet[PkbActivity]:
    """Entries waiting for verification, oldest first; the verifier's own entries are left out."""
    queue = PkbActivity.objects.filter(madrasah=madrasah, status=PkbStatus.SUBMITTED).select_related("teacher")
    if user is not None:
        queue = queue.exclude(teacher__membership__user=user)
    return queue.order_by("created_at", "pk")


def _verified_in_year(year: int) -> tuple[Q, Q]:
    start, end = academic_year_bounds(year)
    in_year = Q(pkb_activities__start_date__range=(start, end))
    return in_year, in_year & Q(pkb_activities__status=PkbStatus.VERIFIED)


def pkb_teacher_totals(*, madrasah: Madrasah, year: int) -> QuerySet[Staff]:
    """Every active teacher with the JP of their verified entries in academic year `year` (`jp_total`):
    what `pkb_recap` adds its per-kind columns to, and what the aggregates count over."""
    _in_year, verified = _verified_in_year(year)
    return (
        Staff.objects.teachers()
        .active()
        .filter(madrasah=madrasah)
        .annotate(jp_total=Coalesce(Sum("pkb_activities__jp", filter=verified), Value(0)))
    )


def pkb_recap(*, madrasah: Madrasah, year: int) -> QuerySet[Staff]:
    """`pkb_teacher_totals` per kind as well (`jp_<kind>`), with how many entries wait (`waiting`), by
    name: one query."""
    in_year, verified = _verified_in_year(year)
    per_kind = {
        f"jp_{kind}": Coalesce(Sum("pkb_activities__jp", filter=verified & Q(pkb_activities__kind=kind)), Value(0))
        for kind in PkbKind.values
    }
    return (
        pkb_teacher_totals(madrasah=madrasah, year=year)
        .annotate(
            **per_kind,
            waiting=Count("pkb_activities", filter=in_year & Q(pkb_activities__status=PkbStatus.SUBMITTED)),
        )
        .order_by("name", "pk")
    )


def pkb_recap_rows(*, madrasah: Madrasah, year: int) -> list[dict]:
    """`pkb_recap` shaped for the table: per-kind JP in PkbKind order, and the teacher's target."""
    rows = []
    for staff in pkb_recap(madrasah=madrasah, year=year):
        target = pkb_target(teacher=staff)
        rows.append(
            {
                "staff": staff,
                "kinds": [getattr(staff, f"jp_{kind}") for kind in PkbKind.values],
                "total": staff.jp_total,
                "waiting": staff.waiting,
                "minimum": target["minimum"],
                "cap": target["cap"],
                "below_minimum": bool(target["minimum"]) and staff.jp_total < target["minimum"],
                "over_cap": bool(target["cap"]) and staff.jp_total > target["cap"],
            }
        )
    return rows


# --- in-house activities --------------------------------------------------------------------------


@dataclass(frozen=True)
class InHouseData:
    title: str
    organiser: str
    start_date: dt.date
    end_date: dt.date
    jp: int
    kind: str = PkbKind.IN_HOUSE
    minutes_per_jp: int = 45
    speaker: str = ""
    place: str = ""
    summary: str = ""


def _attendees(madrasah_id: int, attendees: Iterable[Staff]) -> list[Staff]:
    chosen = list(attendees)
    if not chosen:
        raise ApplicationError(_("Tick at least one attendee."), field="attendees")
    if any(staff.madrasah_id != madrasah_id for staff in chosen):
        raise ApplicationError(_("Attendees must be teachers of this madrasah."), field="attendees")
    return chosen


def _credit(activity: InHouseActivity, teacher_id: int, user: User) -> PkbActivity:
    return PkbActivity(
        madrasah_id=activity.madrasah_id,
        teacher_id=teacher_id,
        in_house=activity,
        status=PkbStatus.VERIFIED,
        verified_by=user,
        verified_at=timezone.now(),
        **{name: getattr(activity, name) for name in CREDIT_FIELDS},
    )


def _notify_credited(activity: InHouseActivity, teacher_ids: Iterable[int]) -> None:
    users = Membership.objects.filter(staff_id__in=list(teacher_ids), is_active=True).values_list("user_id", flat=True)
    text = _("You have been credited %(jp)s JP for “%(title)s”.") % {"jp": activity.jp, "title": activity.title}
    url = reverse("kompetensi:pkb-mine")
    notify_many(madrasah=activity.madrasah, notes=[(user_id, text, url) for user_id in users])


@transaction.atomic
def in_house_create(
    *, madrasah: Madrasah, user: User, data: InHouseData, attendees: Iterable[Staff]
) -> InHouseActivity:
    """Record an in-house activity once with its attendance list and credit every attendee one
    VERIFIED PKB entry (unique per activity and teacher), all in one transaction; tells the
    attendees. A retry records it twice."""
    _validate(jp=data.jp, start_date=data.start_date, end_date=data.end_date, minutes_per_jp=data.minutes_per_jp)
    chosen = _attendees(madrasah.pk, attendees)
    activity = InHouseActivity.objects.create(madrasah=madrasah, created_by=user, **vars(data))
    activity.attendees.set(chosen)
    PkbActivity.objects.bulk_create([_credit(activity, staff.pk, user) for staff in chosen])
    _notify_credited(activity, [staff.pk for staff in chosen])
    return activity


@transaction.atomic
def in_house_update(*, activity: InHouseActivity, user: User, data: InHouseData, attendees: Iterable[Staff]) -> dict:
    """Change an in-house activity and its attendance list: every credit follows the new data, new
    attendees are credited (and told), removed ones lose their credit. Safe to retry. Returns the
    numbers of credits added and removed."""
    InHouseActivity.objects.select_for_update().filter(pk=activity.pk).get()
    _validate(jp=data.jp, start_date=data.start_date, end_date=data.end_date, minutes_per_jp=data.minutes_per_jp)
    chosen = _attendees(activity.madrasah_id, attendees)
    for name, value in vars(data).items():
        setattr(activity, name, value)
    activity.save()
    wanted = {staff.pk for staff in chosen}
    credited = set(activity.credits.values_list("teacher_id", flat=True))
    removed, _rows = activity.credits.exclude(teacher_id__in=wanted).delete()
    activity.credits.update(**{name: getattr(activity, name) for name in CREDIT_FIELDS})
    added = sorted(wanted - credited)
    PkbActivity.objects.bulk_create([_credit(activity, teacher_id, user) for teacher_id in added])
    activity.attendees.set(chosen)
    _notify_credited(activity, added)
    return {"added": len(added), "removed": removed}


def in_house_list(*, madrasah: Madrasah) -> QuerySet[InHouseActivity]:
    return (
        InHouseActivity.objects.filter(madrasah=madrasah)
        .annotate(attendee_count=Count("attendees", distinct=True))
        .order_by("-start_date", "-pk")
    )


def in_house_attendance(*, activity: InHouseActivity) -> QuerySet[Staff]:
    return activity.attendees.order_by("name", "pk")


def in_house_candidates(*, madrasah: Madrasah, activity: InHouseActivity | None = None) -> QuerySet[Staff]:
    """Active teachers, plus the activity's current attendees even if no longer active."""
    query = Q(is_active=True) & ~Q(teacher_type=TeacherType.NONE)
    if activity is not None:
        query |= Q(in_house_activities=activity)
    return Staff.objects.filter(query, madrasah=madrasah).distinct().order_by("name", "pk")
