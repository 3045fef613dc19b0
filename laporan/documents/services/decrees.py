"""Decrees (SK) are never rebuilt: a change is a new decree "tentang Perubahan atas Keputusan Kepala
Madrasah … Nomor … tentang …" with its own number, referring to the decree it changes
(docs/domain.md, "Decrees and their amendments"; KMA 9/2016 on the form of decrees).

The first decree of the supervision team carries the number the Kepala gave it (entered with the
team); each amendment takes the next number of the madrasah's sequence, in the decree style the
madrasah chose (`Madrasah.decree_numbering`), and always names the first decree, so the second
change reads "Perubahan Kedua atas Keputusan … Nomor <the first>".
"""

from __future__ import annotations

from functools import partial

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from madrasah.errors import ApplicationError
from madrasah.models import Membership, Role, User

from ...models import Report, ReportStatus
from ..kinds.team_decree import decrees_of_year
from ..rules import document_kind
from ..selectors import period_resolve
from .numbering import document_number_issue
from .reports import report_send

# The Kepala enacts decrees (PMA 58/2017: the Kepala appoints the supervision team).
DECREE_ENACTORS = (Role.KEPALA,)


def decree_amend(*, membership: Membership, report: Report, user: User) -> Report:
    """Ask for the amending decree of the issued decree `report` (or of the first decree it amends).

    Creates a QUEUED row of the same kind and period that `amends` the first decree, takes the next
    number of the sequence for it (in the madrasah's decree style) and enqueues its build after the
    commit. Not idempotent: every call is a new decree. A decree not yet issued, a change already
    being prepared, or a kind that is no decree → ApplicationError, nothing written.
    """
    kind = document_kind(report.kind)
    if kind is None or not kind.decree:
        raise ApplicationError(_("Only a decree is changed by an amending decree."))
    if not membership.has_role(*DECREE_ENACTORS) or report.madrasah_id != membership.madrasah_id:
        raise ApplicationError(_("Only the Kepala Madrasah enacts decrees."))
    if report.status != ReportStatus.DONE:
        raise ApplicationError(_("This decree has not been issued yet: wait until it is built."))
    first = report.amends or report
    amended_number, amended_on = _first_decree(first=first, kind=kind)
    with transaction.atomic():
        try:
            with transaction.atomic():
                amendment = Report.objects.create(
                    madrasah=report.madrasah,
                    kind=report.kind,
                    period=report.period,
                    paper=report.paper,
                    amends=first,
                    amended_number=amended_number,
                    amended_on=amended_on,
                    requested_by=user,
                )
        except IntegrityError:
            raise ApplicationError(
                _("A change of this decree is being prepared right now: wait until it is built.")
            ) from None
        issued = document_number_issue(
            madrasah=report.madrasah,
            kind=report.kind,
            classification_code=kind.classification_code,
            report=amendment,
            decree=True,
        )
        Report.objects.filter(pk=amendment.pk).update(number=issued.number)
        amendment.number = issued.number
        transaction.on_commit(partial(report_send, report_id=amendment.pk))
    return amendment


def _first_decree(*, first: Report, kind) -> tuple[str, object]:
    """The number and date of the decree as first issued: the number the product gave it, else the
    one the Kepala entered with the team (the latest decree of the year, the one now in force)."""
    if first.number:
        revision = first.revisions.order_by("revision").first()
        return first.number, revision.dated if revision else None
    period = period_resolve(madrasah=first.madrasah, period_kind=kind.period, key=first.period)
    decrees = decrees_of_year(madrasah=first.madrasah, academic_year=period.academic_year)
    if not decrees:
        raise ApplicationError(_("No supervision team has been named for this academic year."))
    return decrees[-1].number, decrees[-1].date
