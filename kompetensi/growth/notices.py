"""The notice of a note of appreciation (`madrasah.notifications`): who wrote is on the page."""

from __future__ import annotations

from django.utils.translation import gettext_noop

from madrasah.notifications import notice_kind

APPRECIATION = notice_kind(
    "appreciation_received",
    gettext_noop("You received a note of appreciation."),
    group=gettext_noop("Notes of appreciation"),
)
