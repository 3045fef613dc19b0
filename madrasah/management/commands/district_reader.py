"""Grant or withdraw the district reader's right (the overview of every madrasah of the installation).

    python manage.py district_reader <username> [--revoke]

The installation administrator's tool besides the admin: an operator or a Kepala manages the accounts
of one madrasah and never grants an installation-wide right (docs/domain.md §3, the district reader).
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from madrasah.models import User


class Command(BaseCommand):
    help = "Grant (or with --revoke withdraw) the district reader's right to an account."

    def add_arguments(self, parser):
        parser.add_argument("username", help="The account's username (NIP, NIGNP or PegID).")
        parser.add_argument("--revoke", action="store_true", help="Withdraw the right instead of granting it.")

    def handle(self, *args, username, revoke, **options):
        granted = not revoke
        changed = User.objects.filter(username=username).update(district_reader=granted)
        if not changed:
            raise CommandError(_("No account has the username %(username)s.") % {"username": username})
        if granted:
            self.stdout.write(_("%(username)s now reads the district overview.") % {"username": username})
        else:
            self.stdout.write(_("%(username)s no longer reads the district overview.") % {"username": username})
