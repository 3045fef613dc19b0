"""The notices of PKB (`madrasah.notifications`), composed when shown from the entry's title and JP."""

from __future__ import annotations

from django.utils.translation import gettext_noop

from madrasah.notifications import notice_kind

PKB = gettext_noop("Professional development (PKB)")

PKB_VERIFIED = notice_kind("pkb_verified", gettext_noop("Your PKB entry “%(title)s” has been verified."), group=PKB)
PKB_RETURNED = notice_kind(
    "pkb_returned", gettext_noop("Your PKB entry “%(title)s” has been returned with a note."), group=PKB, action=True
)
PKB_CREDITED = notice_kind("pkb_credited", gettext_noop("You have been credited %(jp)s JP for “%(title)s”."), group=PKB)
