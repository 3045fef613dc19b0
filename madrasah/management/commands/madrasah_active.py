"""Take a madrasah off this installation, or bring it back.

    python manage.py madrasah_active <nsm> --deactivate
    python manage.py madrasah_active <nsm> --reactivate

The installation administrator's tool besides the installation page (madrasah.services
.madrasah_deactivate says what deactivating means). Nothing is deleted either way.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from madrasah.identifiers import clean_digits
from madrasah.models import Madrasah
from madrasah.services import madrasah_deactivate, madrasah_reactivate


class Command(BaseCommand):
    help = "Deactivate (or reactivate) a madrasah on this installation, by its NSM."

    def add_arguments(self, parser):
        parser.add_argument("nsm", help="The madrasah's NSM (12 digits).")
        action = parser.add_mutually_exclusive_group(required=True)
        action.add_argument("--deactivate", action="store_true", help="Take it off this installation.")
        action.add_argument("--reactivate", action="store_true", help="Make it active again.")

    def handle(self, *args, nsm, deactivate, reactivate, **options):
        madrasah = Madrasah.objects.filter(nsm=clean_digits(nsm)).first()
        if madrasah is None:
            raise CommandError(_("No madrasah has the NSM %(nsm)s.") % {"nsm": nsm})
        if deactivate:
            madrasah_deactivate(madrasah=madrasah, actor=None)
            self.stdout.write(_("%(madrasah)s is no longer active on this installation.") % {"madrasah": madrasah.name})
        else:
            madrasah_reactivate(madrasah=madrasah, actor=None)
            self.stdout.write(_("%(madrasah)s is active again.") % {"madrasah": madrasah.name})
