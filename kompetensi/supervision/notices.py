"""The notices of supervision (`madrasah.notifications`): what each says, composed when shown. The
params hold names and codes (the instrument, the teacher, a follow-up's kind, ISO dates), never a
score. `action=True`: the notice waits for its reader to act; the move that deals with it marks it
done (the kernel does so on every move of the observation)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from madrasah.models import SemesterKind
from madrasah.notifications import format_date, format_label, notice_kind

from ..models import FollowUpKind

RESULTS = gettext_noop("Supervision results")
FOLLOW_UPS = gettext_noop("Follow-ups")
PROGRAMME = gettext_noop("Supervision programme and schedule")


def when_list(values) -> str:
    """Stored ISO date-times of planned supervisions as people read them, in the local time zone."""
    times = sorted(timezone.localtime(dt.datetime.fromisoformat(v)) for v in values)
    return "; ".join(
        _("%(date)s at %(time)s") % {"date": date_format(t, "l, j F Y"), "time": t.strftime("%H.%M")} for t in times
    )


def when_params(planned: list[dt.datetime]) -> dict:
    return {"when": [p.isoformat() for p in planned]}


OBSERVATION_SUBMITTED = notice_kind(
    "observation_submitted",
    gettext_noop("Your supervision result (%(instrument)s) is ready. Please read it and confirm that you received it."),
    group=RESULTS,
    action=True,
)
OBSERVATION_ACKNOWLEDGED = notice_kind(
    "observation_acknowledged",
    gettext_noop("%(teacher)s confirmed receiving the supervision result (%(instrument)s)."),
    group=RESULTS,
)
OBSERVATION_CLARIFICATION = notice_kind(
    "observation_clarification",
    gettext_noop("%(teacher)s asks for clarification of a supervision result (%(instrument)s)."),
    group=RESULTS,
    action=True,
)
OBSERVATION_FINALISED = notice_kind(
    "observation_finalised",
    gettext_noop("Your supervision result (%(instrument)s) has been finalised."),
    group=RESULTS,
)
OBSERVATION_REOPENED = notice_kind(
    "observation_reopened",
    gettext_noop("A supervision result (%(instrument)s, %(teacher)s) was reopened for correction."),
    group=RESULTS,
    action=True,
)
OBSERVATION_DEEMED = notice_kind(
    "observation_deemed",
    gettext_noop("Your supervision result (%(instrument)s) is now deemed received."),
    group=RESULTS,
)

FOLLOW_UP_PLANNED = notice_kind(
    "follow_up_planned",
    gettext_noop("A follow-up (%(kind)s) was planned for you, due %(deadline)s."),
    group=FOLLOW_UPS,
    formats={"kind": format_label(FollowUpKind), "deadline": format_date},
)
FOLLOW_UP_PROGRESS = notice_kind(
    "follow_up_progress",
    gettext_noop("%(teacher)s recorded progress on a follow-up (%(kind)s)."),
    group=FOLLOW_UPS,
    action=True,
    formats={"kind": format_label(FollowUpKind)},
)
FOLLOW_UP_CLOSED = notice_kind(
    "follow_up_closed",
    gettext_noop("Your follow-up (%(kind)s) has been closed."),
    group=FOLLOW_UPS,
    formats={"kind": format_label(FollowUpKind)},
)

PROGRAMME_AWAITS_APPROVAL = notice_kind(
    "programme_awaits_approval",
    gettext_noop("The supervision programme of %(year)s, semester %(semester)s, awaits your approval."),
    group=PROGRAMME,
    action=True,
    formats={"semester": format_label(SemesterKind)},
)
SCHEDULE = notice_kind(
    "supervision_scheduled",
    gettext_noop("Your academic supervision schedule: %(when)s"),
    group=PROGRAMME,
    formats={"when": when_list},
)
RESCHEDULE = notice_kind(
    "supervision_rescheduled",
    gettext_noop("Your academic supervision has been moved: %(when)s"),
    group=PROGRAMME,
    formats={"when": when_list},
)
CANCEL = notice_kind(
    "supervision_cancelled",
    gettext_noop("Your academic supervision of %(when)s has been cancelled."),
    group=PROGRAMME,
    formats={"when": when_list},
)
