"""`python manage.py build_report --kind semester --period 2025-2026-genap [--madrasah NSM] [--teacher NIP]`

Builds a document synchronously through the very service the worker uses (its row, number and file
are the same as an on-demand build's) and prints the path of the file. Messages are Indonesian,
like the product.
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _

from madrasah.errors import ApplicationError
from madrasah.identifiers import clean_digits
from madrasah.models import Madrasah, PaperSize, Staff

from ...documents.rules import load_all
from ...documents.services.reports import report_build_now


class Command(BaseCommand):
    help = "Build a document now (without the worker) and print the path of its file."

    def add_arguments(self, parser):
        parser.add_argument("--kind", required=True, help="Document kind, e.g. semester or guru.")
        parser.add_argument("--period", required=True, help="Period key, e.g. 2025-2026-genap.")
        parser.add_argument("--madrasah", default="", help="NSM of the madrasah (needed when there are several).")
        parser.add_argument("--teacher", default="", help="NIP (or NIGNP, PegID) of the teacher (per-teacher kinds).")
        parser.add_argument("--paper", default="", choices=["", *PaperSize.values], help="F4 or A4 (default: F4).")

    def handle(self, *args, kind, period, madrasah, teacher, paper, **options):
        translation.activate(settings.LANGUAGE_CODE)
        kinds = load_all()
        found_kind = kinds.get(kind)
        if found_kind is None:
            raise CommandError(
                _("Unknown document kind “%(kind)s”. Known kinds: %(known)s.")
                % {"kind": kind, "known": ", ".join(sorted(kinds))}
            )
        school = self._madrasah(madrasah)
        person = self._teacher(school, teacher) if teacher else None
        if found_kind.per_teacher and person is None:
            raise CommandError(_("This document is about one teacher: give --teacher NIP."))
        try:
            report = report_build_now(madrasah=school, kind=found_kind, period_key=period, teacher=person, paper=paper)
        except ApplicationError as error:
            raise CommandError(error.message) from error
        self.stdout.write(default_storage.path(report.file.name))
        if report.spreadsheet:
            self.stdout.write(default_storage.path(report.spreadsheet.name))

    def _madrasah(self, nsm: str) -> Madrasah:
        if nsm:
            school = Madrasah.objects.filter(nsm=clean_digits(nsm)).first()
            if school is None:
                raise CommandError(_("No madrasah has the NSM “%(nsm)s”.") % {"nsm": nsm})
            return school
        schools = list(Madrasah.objects.order_by("name")[:2])
        if len(schools) != 1:
            raise CommandError(_("Give the madrasah with --madrasah NSM (there are several, or none)."))
        return schools[0]

    def _teacher(self, school: Madrasah, identifier: str) -> Staff:
        digits = clean_digits(identifier)
        person = (
            Staff.objects.filter(madrasah=school)
            .filter(Q(nip=digits) | Q(nignp=digits) | Q(peg_id=digits))
            .exclude(Q(nip="") & Q(nignp="") & Q(peg_id=""))
            .first()
        )
        if not digits or person is None:
            raise CommandError(_("No teacher of this madrasah has the NIP “%(nip)s”.") % {"nip": identifier})
        return person
