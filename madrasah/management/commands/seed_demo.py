"""Seed a demo madrasah modelled on MTsN 3 Pamekasan, with every role able to log in.

    python manage.py seed_demo --teachers 40 --semesters 4 --seed 1 [--madrasah N] [--today YYYY-MM-DD]
        [--reset | --if-empty]

The demo accounts in `DEMO_LOGINS` have fixed usernames and passwords, whatever the seed. The other
teachers are generated from `random.Random(seed)` (no Faker: its output changes between versions),
so the same `--seed` and `--today` always give the same people, identifiers and subjects. Every
identifier is checked with `madrasah.identifiers` before anything is written. Ages and appointment
years count back from `--today` (appointments never later than the real current year, which
`parse_nip` checks against).

`--madrasah N` seeds a district: the demo madrasah and N - 1 private MTs of the same size
(`madrasah.demo_district`), each with its own people, names and identifiers unique across all of them,
and a pengawas for every 10 to 15 madrasah. The first madrasah is the same demo whatever N.

`--reset` deletes every demo madrasah (found by its NSM) and the users that belonged only to them;
`--if-empty` (used by `make run`) seeds only a database that has no madrasah and no installation
administrator. A data folder marked for real use (`make run DEMO=0`, the web service) is never seeded.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import time

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from madrasah import services
from madrasah.demo import run_demo_resets, run_demo_steps
from madrasah.demo_district import (
    MAX_MADRASAH,
    demo_npsn,
    demo_nsms,
    madrasah_fields,
    madrasah_seed,
    pengawas_groups,
)
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
    new_used,
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

# Teachers of a district at most: the generator's names (two or three parts from its lists, about
# 10,000 of each sex) must stay far from running out, or finding a free one takes too many tries.
MAX_PEOPLE = 15_000

# Each role's demo password: the documented one, the same in every madrasah of a district.
ROLE_PASSWORDS = {demo["roles"][0]: demo["login"]["password"] for demo in DEMO_STAFF}


class _Passwords:
    """Each demo password hashed once: hashing is slow on purpose, and every account shares a few."""

    def __init__(self):
        self._hashes: dict[str, str] = {}

    def __call__(self, password: str) -> str:
        if password not in self._hashes:
            self._hashes[password] = make_password(password)
        return self._hashes[password]


class _Pengawas:
    """A pengawas account and the madrasah numbers it oversees."""

    def __init__(self, username: str, name: str, password_hash: str, oversees: range):
        self.username, self.name, self.password_hash, self.oversees = username, name, password_hash, oversees


class Command(BaseCommand):
    help = (
        "Seed a demo madrasah (MTs Negeri 3 Pamekasan) with semesters, teachers and a login for every role; "
        "with --madrasah N, a district of N madrasah and their pengawas."
    )

    def add_arguments(self, parser):
        parser.add_argument("--teachers", type=int, default=40, help="Active teachers in total (at least 3).")
        parser.add_argument("--semesters", type=int, default=4, help="Semesters up to the current one (1-20).")
        parser.add_argument("--seed", type=int, default=1, help="Seed of the generated teachers.")
        parser.add_argument(
            "--madrasah",
            type=int,
            default=1,
            help=f"Madrasah to seed (1-{MAX_MADRASAH}): the demo madrasah, then private MTs of the same size, "
            "with a pengawas for every 10-15 of them.",
        )
        parser.add_argument("--today", default=None, help="Date the periods count back from (YYYY-MM-DD).")
        parser.add_argument("--reset", action="store_true", help="Delete every demo madrasah first, then seed again.")
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
        count = options["madrasah"]
        today = parse_today(options["today"])
        if teachers < sum(1 for p in DEMO_STAFF if p["fields"]["teacher_type"] != TeacherType.NONE):
            raise CommandError("--teachers must be at least 3 (the Kepala, the Waka and the demo Guru).")
        if not 1 <= semesters <= 20:
            raise CommandError("--semesters must be between 1 and 20.")
        if not 1 <= count <= MAX_MADRASAH:
            raise CommandError(
                f"--madrasah must be between 1 and {MAX_MADRASAH} (more than the MTs of any one regency), not {count}."
            )
        if count * teachers > MAX_PEOPLE:
            raise CommandError(
                f"--madrasah {count} with --teachers {teachers} is more than {MAX_PEOPLE:,} people: the demo's "
                "names run out. Seed fewer madrasah or fewer teachers."
            )
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

        started = time.perf_counter()
        with transaction.atomic():
            if options["reset"]:
                self._reset()
            else:
                self._refuse_existing(count)
            npsns = [demo_npsn(number) for number in range(1, count + 1)]
            taken = Madrasah.objects.filter(npsn__in=npsns).order_by("npsn").values_list("npsn", flat=True).first()
            if taken:
                raise CommandError(f"Another madrasah already uses the demo NPSN {taken}.")
            ensure_reference_data()
            district, pengawas = self._district(count=count, seed=seed, today=today, teachers=teachers)
            users: dict[str, User] = {}
            kept: set[str] = set()
            first = None
            for number, people in enumerate(district, start=1):
                begun = time.perf_counter()
                madrasah = Madrasah.objects.create(**madrasah_fields(number))
                periods = self._seed_periods(madrasah, today, semesters)
                overseers = [p for p in pengawas if number in p.oversees]
                kept |= self._seed_people(madrasah, people, overseers, users)
                run_demo_steps(
                    madrasah=madrasah,
                    semesters=periods,
                    seed=madrasah_seed(seed, number),
                    today=today,
                    number=number,
                    # The first madrasah tells what it holds; the others only that they are done.
                    stdout=self.stdout if number == 1 else io.StringIO(),
                )
                if number == 1:
                    first = (madrasah, periods, people)
                if count > 1:
                    self.stdout.write(
                        f"  madrasah {number}/{count}: {madrasah.name} ({time.perf_counter() - begun:.1f} s)"
                    )
            if options["reset"]:  # a demo that someone locked out by mistyping works again
                for username in [login["username"] for login in DEMO_LOGINS] + [p.username for p in pengawas]:
                    services.lockout_release(username=username)

        if connection.vendor == "postgresql":
            # PostgreSQL plans from statistics that autovacuum refreshes only some time after a bulk
            # load: until then a district's pages would read its tables as they were before (its
            # advice after a bulk load is ANALYZE).
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        self._report(*first, seed=seed, today=today)
        self._report_district(district, pengawas, seconds=time.perf_counter() - started)
        if kept:
            self.stdout.write(
                self.style.WARNING(
                    f"These users already existed (e.g. a pengawas of another madrasah) and kept their own password: "
                    f"{', '.join(sorted(kept))}."
                )
            )

    # --- writing ------------------------------------------------------------------------------

    def _refuse_existing(self, count: int) -> None:
        existing = list(Madrasah.objects.filter(nsm__in=demo_nsms(count)).order_by("pk").values_list("nsm", flat=True))
        if DEMO_MADRASAH["nsm"] in existing:
            raise CommandError(
                f"The demo madrasah (NSM {DEMO_MADRASAH['nsm']}) already exists. "
                "Use --reset to delete it and seed again."
            )
        if existing:
            raise CommandError(
                f"{len(existing)} demo madrasah already exist (NSM {', '.join(existing[:3])}"
                f"{', …' if len(existing) > 3 else ''}). Use --reset to delete them and seed again."
            )

    def _reset(self) -> None:
        madrasahs = list(Madrasah.objects.filter(nsm__in=demo_nsms()).order_by("pk"))
        if not madrasahs:
            return
        user_ids = set(Membership.objects.filter(madrasah__in=madrasahs).values_list("user_id", flat=True))
        elsewhere = set(
            Membership.objects.filter(user_id__in=user_ids)
            .exclude(madrasah__in=madrasahs)
            .values_list("user_id", flat=True)
        )
        for madrasah in madrasahs:
            run_demo_resets(madrasah=madrasah)
            madrasah.delete()
        users = User.objects.filter(pk__in=user_ids - elsewhere, is_superuser=False)
        count = users.count()
        users.delete()
        if len(madrasahs) == 1:
            self.stdout.write(f"Deleted the demo madrasah and {count} users that belonged only to it.")
        else:
            self.stdout.write(f"Deleted {len(madrasahs)} demo madrasah and {count} users that belonged only to them.")

    def _seed_periods(self, madrasah: Madrasah, today: dt.date, count: int):
        semesters = [
            services.semester_create(madrasah=madrasah, start_year=start_year, kind=kind)
            for start_year, kind in semester_keys(today, count)
        ]
        services.semester_activate(semester=semesters[-1])
        semesters[-1].is_active = True
        return semesters

    def _district(
        self, *, count: int, seed: int, today: dt.date, teachers: int
    ) -> tuple[list[list[DemoPerson]], list[_Pengawas]]:
        """Everyone of the district, generated before anything is written: the people of each madrasah
        and the pengawas. Madrasah 1 first, from `seed` itself, so it is the same whatever `count`."""
        subjects = list(
            Subject.objects.filter(madrasah__isnull=True)
            .exclude(code="bk")
            .order_by("order", "code")
            .values_list("code", flat=True)
        )
        hashed = _Passwords()
        used = new_used()

        def generator(number_seed) -> TeacherGenerator:
            return TeacherGenerator(seed=number_seed, today=today, subjects=subjects, used=used)

        district = [self._demo_people(generator(seed), teachers=teachers, hashed=hashed)]
        groups = pengawas_groups(count)
        pengawas = [
            _Pengawas(DEMO_PENGAWAS["username"], DEMO_PENGAWAS_NAME, hashed(DEMO_PENGAWAS["password"]), groups[0])
        ]
        others = generator(f"{seed}-pengawas")
        for oversees in groups[1:]:
            fields, _subject = others.teacher(status=EmploymentStatus.PNS, teacher_type=TeacherType.SUBJECT)
            self._check(fields)
            pengawas.append(_Pengawas(fields["nip"], fields["name"], hashed(DEMO_PENGAWAS["password"]), oversees))
        for number in range(2, count + 1):
            district.append(
                self._generated_people(generator(madrasah_seed(seed, number)), teachers=teachers, hashed=hashed)
            )
        return district, pengawas

    def _demo_people(self, generator: TeacherGenerator, *, teachers: int, hashed: _Passwords) -> list[DemoPerson]:
        """The documented demo madrasah: the accounts of `DEMO_LOGINS`, then generated teachers."""
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
            self._check(person.fields)
        return people

    def _generated_people(self, generator: TeacherGenerator, *, teachers: int, hashed: _Passwords) -> list[DemoPerson]:
        """Another madrasah of the district: an operator and generated teachers, the two most senior
        subject teachers (civil servants first) its Kepala and Waka, each role with the demo's password."""
        people = [
            DemoPerson(
                fields=generator.operator(),
                subject=None,
                roles=[Role.OPERATOR],
                password_hash=hashed(ROLE_PASSWORDS[Role.OPERATOR]),
            )
        ]
        for status, teacher_type in generator.statuses(teachers):
            fields, subject = generator.teacher(status=status, teacher_type=teacher_type)
            people.append(
                DemoPerson(fields=fields, subject=subject, roles=[Role.GURU], password_hash=hashed(GURU_PASSWORD))
            )
        subject_teachers = [p for p in people if p.fields["teacher_type"] == TeacherType.SUBJECT]
        seniority = sorted(
            subject_teachers,
            key=lambda p: (p.fields["employment_status"] != EmploymentStatus.PNS, p.fields["birth_date"]),
        )
        leaders = seniority[:2]
        for person, role, duty in zip(
            leaders, (Role.KEPALA, Role.WAKA), ("Kepala Madrasah", "Waka Kurikulum"), strict=True
        ):
            person.roles = [role, Role.GURU]
            person.fields["extra_duties"] = duty
            person.password_hash = hashed(ROLE_PASSWORDS[role])
        self._assign_duties(generator.rng, [p for p in people if p not in leaders])
        for person in people:
            self._check(person.fields)
        return people

    @staticmethod
    def _check(fields: dict) -> None:
        try:
            check_identifiers(fields)
        except ValidationError as error:
            raise CommandError(f"Generated invalid data for {fields['name']}: {error.messages}") from None

    @staticmethod
    def _assign_duties(rng: random.Random, people: list[DemoPerson]) -> None:
        subject_teachers = [p for p in people if p.fields["teacher_type"] == TeacherType.SUBJECT]
        order = list(range(len(subject_teachers)))
        rng.shuffle(order)
        duties = list(OTHER_DUTIES) + [f"Wali Kelas {c}" for c in CLASSES if c != "VIII-A"]
        for index, duty in zip(order, duties, strict=False):
            subject_teachers[index].fields["extra_duties"] = duty

    def _seed_people(
        self, madrasah: Madrasah, people: list[DemoPerson], pengawas: list[_Pengawas], users: dict[str, User]
    ) -> set[str]:
        """Write staff, subjects, users, memberships and roles. `users` holds the accounts this run has
        written (a pengawas of several madrasah). Returns the usernames of users that already existed
        before (a pengawas who also oversees another madrasah): they gain a membership here and keep
        their password, as `services.account_save` does for a person at two madrasah."""
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
        accounts += [(p.username, p.name, p.password_hash, None, [Role.PENGAWAS]) for p in pengawas]
        usernames = [a[0] for a in accounts]
        if len(set(usernames)) != len(usernames):
            raise CommandError("Generated usernames are not unique.")
        existing = {u.username: u for u in User.objects.filter(username__in=[u for u in usernames if u not in users])}
        users.update(existing)
        new = [
            User(username=username, first_name=name[:150], password=password, must_change_password=False)
            for username, name, password, _staff, _roles in accounts
            if username not in users
        ]
        User.objects.bulk_create(new)
        users.update((u.username, u) for u in new)

        memberships = [
            Membership(user=users[username], madrasah=madrasah, staff=staff)
            for username, _name, _password, staff, _roles in accounts
        ]
        Membership.objects.bulk_create(memberships)
        MembershipRole.objects.bulk_create(
            [
                MembershipRole(membership=membership, role=role)
                for membership, account in zip(memberships, accounts, strict=True)
                for role in account[4]
            ]
        )
        return set(existing)

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

    def _report_district(self, district: list[list[DemoPerson]], pengawas: list[_Pengawas], *, seconds: float) -> None:
        write = self.stdout.write
        count = len(district)
        if count > 1:
            people = sum(len(p) for p in district)
            write(
                f"District: {count} madrasah, {people + len(pengawas)} accounts; in the others the Kepala, Waka "
                "and Operator have the passwords above."
            )
            write(f"Pengawas (password {DEMO_PENGAWAS['password']}):")
            for account in pengawas:
                first, last = account.oversees[0], account.oversees[-1]
                write(f"  {account.username:<18}  {account.name:<30}  madrasah {first}-{last}")
        write(f"Seeded in {seconds:.1f} s ({seconds / count:.2f} s per madrasah).")
