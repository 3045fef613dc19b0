"""The notices of the PKG appraisal (`madrasah.notifications`), composed when shown: the params hold
the teacher's name and the academic year, never a score. Every stage move marks done the notices
about the stage it leaves (the workflow kernel's `transition`)."""

from __future__ import annotations

from django.utils.translation import gettext_noop

from madrasah.notifications import notice_kind

PKG = gettext_noop("PKG appraisal")

APPRAISAL_SUBMITTED = notice_kind(
    "appraisal_submitted",
    gettext_noop("Your PKG appraisal (%(year)s) is ready. Please read it and sign it as received."),
    group=PKG,
    action=True,
)
APPRAISAL_SIGNED = notice_kind(
    "appraisal_signed",
    gettext_noop("%(teacher)s signed the PKG appraisal (%(year)s) as received."),
    group=PKG,
    action=True,
)
APPRAISAL_CLARIFICATION = notice_kind(
    "appraisal_clarification",
    gettext_noop("%(teacher)s asks for clarification of the PKG appraisal (%(year)s)."),
    group=PKG,
    action=True,
)
APPRAISAL_APPROVED = notice_kind(
    "appraisal_approved",
    gettext_noop("The PKG appraisal of %(teacher)s (%(year)s) has been approved."),
    group=PKG,
)
APPRAISAL_REOPENED = notice_kind(
    "appraisal_reopened",
    gettext_noop("The PKG appraisal of %(teacher)s (%(year)s) was reopened for correction."),
    group=PKG,
    action=True,
)
