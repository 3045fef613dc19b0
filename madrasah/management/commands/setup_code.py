"""Print the setup code of a blank installation with the address of "Siapkan madrasah".

    python manage.py setup_code [--url http://192.168.1.10:8000] [--new] [--real-use]

Issues a code when none is valid (never made, used, older than 24 hours), or a new one with --new.
Once the installation has a madrasah or an installation administrator it says so and prints no code.
--real-use marks DATA_DIR as a real madrasah's folder (never seeded with demo data): the real-use
start (`make run DEMO=0`, the web service) passes it, so the code appears in its console or journal.
"""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.translation import gettext as _

from madrasah import setup_code


class Command(BaseCommand):
    help = "Print the setup code and the setup address of an installation that has no madrasah yet."

    def add_arguments(self, parser):
        parser.add_argument("--url", default=settings.SITE_URL, help="The address people open (default: SITE_URL).")
        parser.add_argument("--new", action="store_true", help="Replace the current code with a new one.")
        parser.add_argument("--real-use", action="store_true", help="Mark DATA_DIR as a real madrasah's folder.")

    def handle(self, *args, url, new, real_use, **options):
        if real_use:
            setup_code.real_use_mark()
        if not setup_code.setup_needed():
            self.stdout.write(_("Mutu Madrasah is set up: no setup code is needed. Log in at %(url)s") % {"url": url})
            return
        code = setup_code.setup_code_issue(force=new)
        expires = timezone.localtime(setup_code.setup_code_expires_at())
        address = url.rstrip("/") + setup_code.SETUP_PATH
        lines = [
            "",
            _("Mutu Madrasah has no madrasah yet. Prepare it in the browser:"),
            "  " + _("Address:    %(address)s") % {"address": address},
            "  " + _("Setup code: %(code)s") % {"code": code},
            "  " + _("Valid until %(time)s, for one use.") % {"time": expires.strftime("%d-%m-%Y %H:%M %Z")},
            _("Type the code into the form on that page. To see it again: python manage.py setup_code"),
            "",
        ]
        self.stdout.write("\n".join(lines))
