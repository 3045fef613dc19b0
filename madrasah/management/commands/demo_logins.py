from django.core.management.base import BaseCommand

from madrasah.demo_people import DEMO_LOGINS


class Command(BaseCommand):
    help = "Print the address and the documented demo logins (see README)."

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8000/")

    def handle(self, *args, url, **options):
        self.stdout.write(f"\nMutu Madrasah: {url}\n")
        self.stdout.write("Demo logins (username / password):")
        for login in DEMO_LOGINS:
            self.stdout.write(f"  {login['role']:<18} {login['username']:<20} {login['password']}")
        self.stdout.write("Ctrl-C stops web, worker and beat.\n")
