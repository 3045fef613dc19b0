"""Seed a demo madrasah modelled on MTsN 3 Pamekasan, with every role able to log in.

    python manage.py seed_demo --teachers 40 --semesters 4 --seed 1 [--today YYYY-MM-DD] [--reset | --if-empty]

The demo accounts in `DEMO_LOGINS` have fixed usernames and passwords, whatever the seed. The other
teachers are generated from `random.Random(seed)` (no Faker: its output changes between versions),
so the same `--seed` and `--today` always give the same people, identifiers and subjects. Every
identifier is checked with `madrasah.identifiers` before anything is written. Ages and appointment
years count back from `--today` (appointments never later than the real current year, which
`parse_nip` checks against).

`--reset` deletes the demo madrasah (found by its NSM) and the users that belonged only to it;
`--if-empty` (used by `make run`) seeds only a database that has no madrasah and no installation
administrator. A data folder marked for real use (`make run DEMO=0`, the web service) is never seeded.
"""

from __future__ import annotations

import datetime as dt
import random

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from madrasah import services
from madrasah.demo import run_demo_resets, run_demo_steps
from madrasah.demo_people import (
    CLASSES,
    DEMO_LOGINS,
    DEMO_MADRASAH,
    DEMO_PENGAWAS,
    DEMO_PENGAWAS_NAME,
    DEMO_STAFF,
    GURU_PASSWORD,
    OTHER_DUTIES,
    DemoPerson,
    TeacherGenerator,
    check_identifiers,
    parse_today,
    semester_keys,
)
from madrasah.identifiers import (
    validate_npsn,
    validate_nsm,
)
from madrasah.models import (
    EmploymentStatus,
    Madrasah,
    Membership,
    MembershipRole,
    Role,
    Staff,
    Subject,
    TeacherType,
    User,
)
from madrasah.reference import ensure_reference_data
from madrasah.setup_code import is_real_use


class Command(BaseCommand):
    help = "Seed a demo madrasah (MTs Negeri 3 Pamekasan) with semesters, teachers and a login for every role."

    def add_arguments(self, parser):
        parser.add_argument("--teachers", type=int, default=40, help="Active teachers in total (at least 3).")
        parser.add_argument("--semesters", type=int, default=4, help="Semesters up to the current one (1-20).")
        parser.add_argument("--seed", type=int, default=1, help="Seed of the generated teachers.")
        parser.add_argument("--today", default=None, help="Date the periods count back from (YYYY-MM-DD).")
        parser.add_argument("--reset", action="store_true", help="Delete the demo madrasah first, then seed again.")
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Seed only when the database has no madrasah at all (for `make run`); otherwise do nothing.",
        )
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Seed even under DJANGO_ENV=production (a throwaway server only: the demo passwords are public).",
        )

    def handle(self, *args, **options):
        if settings.PRODUCTION and not options["allow_production"]:
            raise CommandError(
                "This is a production server (DJANGO_ENV=production): the demo accounts' passwords are public, "
                "so seed_demo refuses to run. Use --allow-production only on a throwaway server."
            )
        if is_real_use():
            raise CommandError(
                f"{settings.DATA_DIR} holds a real madrasah's data (it was started with `make run DEMO=0` or as a "
                "service): the demo is never seeded there. For the demo, leave DATA_DIR unset (remove it from .env)."
            )
        teachers, semesters, seed = options["teachers"], options["semesters"], options["seed"]
        today = parse_today(options["today"])
        if teachers < sum(1 for p in DEMO_STAFF if p["fields"]["teacher_type"] != TeacherType.NONE):
            raise CommandError("--teachers must be at least 3 (the Kepala, the Waka and the demo Guru).")
        if not 1 <= semesters <= 20:
            raise CommandError("--semesters must be between 1 and 20.")
        if options["if_empty"]:
            if options["reset"]:
                raise CommandError("--if-empty and --reset cannot be used together.")
            if Madrasah.objects.exists():
                self.stdout.write("The database already has a madrasah: nothing seeded.")
                return
            if User.objects.filter(is_superuser=True).exists():
                self.stdout.write("The database already has an installation administrator: nothing seeded.")
                return
        validate_nsm(DEMO_MADRASAH["nsm"])
        validate_npsn(DEMO_MADRASAH["npsn"])

        with transaction.atomic():
            if options["reset"]:
                self._reset()
            elif Madrasah.objects.filter(nsm=DEMO_MADRASAH["nsm"]).exists():
                raise CommandError(
                    f"The demo madrasah (NSM {DEMO_MADRASAH['nsm']}) already exists. "
                    "Use --reset to delete it and seed again."
                )
            if Madrasah.objects.filter(npsn=DEMO_MADRASAH["npsn"]).exists():
                raise CommandError(f"Another madrasah already uses the demo NPSN {DEMO_MADRASAH['npsn']}.")
            ensure_reference_data()
            madrasah = Madrasah.objects.create(**DEMO_MADRASAH)
            periods = self._seed_periods(madrasah, today, semesters)
            people = self._people(seed=seed, today=today, teachers=teachers)
            kept = self._seed_people(madrasah, people)
            run_demo_steps(madrasah=madrasah, semesters=periods, seed=seed, today=today, stdout=self.stdout)
            if options["reset"]:  # a demo that someone locked out by mistyping works again
                for login in DEMO_LOGINS:
                    services.lockout_release(username=login["username"])

        self._report(madrasah, periods, people, seed=seed, today=today)
        if kept:
            self.stdout.write(
                self.style.WARNING(
                    f"These users already existed (e.g. a pengawas of another madrasah) and kept their own password: "
                    f"{', '.join(kept)}."
                )
            )

    # --- writing ------------------------------------------------------------------------------

    def _reset(self) -> None:
        madrasah = Madrasah.objects.filter(nsm=DEMO_MADRASAH["nsm"]).first()
        if madrasah is None:
            return
        user_ids = set(Membership.objects.filter(madrasah=madrasah).values_list("user_id", flat=True))
        elsewhere = set(
            Membership.objects.filter(user_id__in=user_ids).exclude(madrasah=madrasah).values_list("user_id", flat=True)
        )
        run_demo_resets(madrasah=madrasah)
        madrasah.delete()
        users = User.objects.filter(pk__in=user_ids - elsewhere, is_superuser=False)
        count = users.count()
        users.delete()
        self.stdout.write(f"Deleted the demo madrasah and {count} users that belonged only to it.")

    def _seed_periods(self, madrasah: Madrasah, today: dt.date, count: int):
        semesters = [
            services.semester_create(madrasah=madrasah, start_year=start_year, kind=kind)
            for start_year, kind in semester_keys(today, count)
        ]
        services.semester_activate(semester=semesters[-1])
        semesters[-1].is_active = True
        return semesters

    def _people(self, *, seed: int, today: dt.date, teachers: int) -> list[DemoPerson]:
        subjects = list(
            Subject.objects.filter(madrasah__isnull=True)
            .exclude(code="bk")
            .order_by("order", "code")
            .values_list("code", flat=True)
        )
        generator = TeacherGenerator(seed=seed, today=today, subjects=subjects)
        hashes: dict[str, str] = {}

        def hashed(password: str) -> str:
            if password not in hashes:
                hashes[password] = make_password(password)
            return hashes[password]

        people = []
        for demo in DEMO_STAFF:
            generator.reserve(demo["fields"])
            people.append(
                DemoPerson(
                    fields=dict(demo["fields"]),
                    subject=demo["subject"],
                    roles=list(demo["roles"]),
                    password_hash=hashed(demo["login"]["password"]),
                    demo=True,
                )
            )
        generator.used["nip"].add(DEMO_PENGAWAS["username"])
        demo_teachers = sum(1 for p in people if p.fields["teacher_type"] != TeacherType.NONE)
        for status, teacher_type in generator.statuses(teachers - demo_teachers):
            fields, subject = generator.teacher(status=status, teacher_type=teacher_type)
            people.append(
                DemoPerson(fields=fields, subject=subject, roles=[Role.GURU], password_hash=hashed(GURU_PASSWORD))
            )
        self._assign_duties(generator.rng, [p for p in people if not p.demo])
        for person in people:
            try:
                check_identifiers(person.fields)
            except ValidationError as error:
                raise CommandError(f"Generated invalid data for {person.fields['name']}: {error.messages}") from None
        return people

    @staticmethod
    def _assign_duties(rng: random.Random, people: list[DemoPerson]) -> None:
        subject_teachers = [p for p in people if p.fields["teacher_type"] == TeacherType.SUBJECT]
        order = list(range(len(subject_teachers)))
        rng.shuffle(order)
        duties = list(OTHER_DUTIES) + [f"Wali Kelas {c}" for c in CLASSES if c != "VIII-A"]
        for index, duty in zip(order, duties, strict=False):
            subject_teachers[index].fields["extra_duties"] = duty

    def _seed_people(self, madrasah: Madrasah, people: list[DemoPerson]) -> list[str]:
        """Write staff, subjects, users, memberships and roles. Returns the usernames of users that
        already existed (a pengawas who also oversees another madrasah): they gain a membership here
        and keep their password, as `services.account_save` does for a person at two madrasah."""
        staff_rows = []
        for person in people:
            person.staff = Staff(madrasah=madrasah, **person.fields)
            person.staff.full_clean(validate_unique=False, validate_constraints=False)
            staff_rows.append(person.staff)
        # bulk_create sets primary keys on PostgreSQL and SQLite 3.35+, the databases this project runs on.
        Staff.objects.bulk_create(staff_rows)

        subjects = dict(Subject.objects.filter(madrasah__isnull=True).values_list("code", "pk"))
        through = Staff.subjects.through
        through.objects.bulk_create(
            [through(staff_id=p.staff.pk, subject_id=subjects[p.subject]) for p in people if p.subject]
        )

        # (username, name, password hash, staff, roles) of every account, the pengawas last.
        accounts = [(p.staff.login_identifier, p.staff.name, p.password_hash, p.staff, p.roles) for p in people]
        accounts.append(
            (
                DEMO_PENGAWAS["username"],
                DEMO_PENGAWAS_NAME,
                make_password(DEMO_PENGAWAS["password"]),
                None,
                [Role.PENGAWAS],
            )
        )
        usernames = [a[0] for a in accounts]
        if len(set(usernames)) != len(usernames):
            raise CommandError("Generated usernames are not unique.")
        existing = {u.username: u for u in User.objects.filter(username__in=usernames)}
        users = [
            existing.get(username)
            or User(username=username, first_name=name[:150], password=password, must_change_password=False)
            for username, name, password, _staff, _roles in accounts
        ]
        User.objects.bulk_create([u for u in users if u.username not in existing])

        memberships = [
            Membership(user=user, madrasah=madrasah, staff=staff)
            for user, (_username, _name, _password, staff, _roles) in zip(users, accounts, strict=True)
        ]
        Membership.objects.bulk_create(memberships)
        MembershipRole.objects.bulk_create(
            [
                MembershipRole(membership=membership, role=role)
                for membership, account in zip(memberships, accounts, strict=True)
                for role in account[4]
            ]
        )
        return sorted(existing)

    # --- output -------------------------------------------------------------------------------

    def _report(self, madrasah, periods, people, *, seed: int, today: dt.date) -> None:
        teachers = [p.fields for p in people if p.fields["teacher_type"] != TeacherType.NONE]
        by_status = {s: sum(1 for t in teachers if t["employment_status"] == s) for s in EmploymentStatus.values}
        active = next(s for s in periods if s.is_active)
        write = self.stdout.write
        write(self.style.SUCCESS(f"Seeded {madrasah.name} (NSM {madrasah.nsm}, NPSN {madrasah.npsn})."))
        write(f"  seed {seed}, today {today:%Y-%m-%d}")
        write(f"  semesters: {', '.join(str(s) for s in periods)}; active: {active}")
        write(
            f"  teachers: {len(teachers)} (PNS {by_status[EmploymentStatus.PNS]}, "
            f"PPPK {by_status[EmploymentStatus.PPPK]}, honorer {by_status[EmploymentStatus.HONORER]}; "
            f"certified {sum(1 for t in teachers if t.get('certified'))}; "
            f"BK {sum(1 for t in teachers if t['teacher_type'] == TeacherType.COUNSELLOR)})"
        )
        write(f"  accounts: {len(people) + 1} (every generated teacher's password: {GURU_PASSWORD})")
        write("Demo logins:")
        width = max(len(login["role"]) for login in DEMO_LOGINS)
        for login in DEMO_LOGINS:
            write(f"  {login['role']:<{width}}  {login['username']:<18}  {login['password']}")
