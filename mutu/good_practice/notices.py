"""The notices of shared good practice (`madrasah.notifications`), composed when shown."""

from __future__ import annotations

from django.utils.translation import gettext_noop

from madrasah.notifications import notice_kind

GOOD_PRACTICE = gettext_noop("Good practice")

SUBMITTED = notice_kind(
    "good_practice_submitted",
    gettext_noop("%(teacher)s submitted a good practice for publication: “%(title)s”."),
    group=GOOD_PRACTICE,
    action=True,
)
PUBLISHED = notice_kind(
    "good_practice_published",
    gettext_noop("Your good practice “%(title)s” has been published for your colleagues. Thank you!"),
    group=GOOD_PRACTICE,
)
RETURNED = notice_kind(
    "good_practice_returned",
    gettext_noop("Your good practice was returned as a draft with a note: %(note)s"),
    group=GOOD_PRACTICE,
    action=True,
)
