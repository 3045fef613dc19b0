"""`python manage.py dispatch_reports [--date 2026-12-31]`

Runs the daily dispatcher of the scheduled reports now (what beat runs at 06:00 WIB), for today or for
the given day — on a semester's last day, for example — and prints what it asked for. The documents
are built by the worker, as always; running it twice asks for nothing twice.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ...schedules.services import reports_dispatch


class Command(BaseCommand):
    help = "Ask now for the scheduled reports due today (or on --date) and print them."

    def add_arguments(self, parser):
        parser.add_argument("--date", default="", help="The day to dispatch for, e.g. 2026-12-31 (default: today).")

    def handle(self, *args, date, **options):
        translation.activate(settings.LANGUAGE_CODE)
        try:
            today = dt.date.fromisoformat(date) if date else None
        except ValueError as error:
            raise CommandError(
                _("Write the date as for example 2026-12-31 (not “%(date)s”).") % {"date": date}
            ) from error
        made = reports_dispatch(today=today)
        for dispatch in made:
            self.stdout.write(f"{dispatch.madrasah.nsm} {dispatch.kind} {dispatch.period} → #{dispatch.report_id}")
        count = len(made)
        self.stdout.write(
            ngettext("%(count)s scheduled report asked for.", "%(count)s scheduled reports asked for.", count)
            % {"count": count}
        )
