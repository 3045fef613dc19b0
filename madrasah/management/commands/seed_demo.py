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
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from madrasah import services
from madrasah.demo import run_demo_resets, run_demo_steps
from madrasah.identifiers import (
    nip_warnings,
    parse_nip,
    validate_nignp,
    validate_npsn,
    validate_nsm,
    validate_nuptk,
    validate_peg_id,
)
from madrasah.models import (
    CareerLevel,
    EmploymentStatus,
    Madrasah,
    Membership,
    MembershipRole,
    PaperSize,
    Role,
    SemesterKind,
    Sex,
    Staff,
    Subject,
    TeacherType,
    User,
)
from madrasah.reference import ensure_reference_data
from madrasah.setup_code import is_real_use

# --- The madrasah ---------------------------------------------------------------------------------

DEMO_MADRASAH = {
    "name": "MTs Negeri 3 Pamekasan",
    "nsm": "121135280003",
    "npsn": "20580456",
    "address": "Jl. Raya Pakong No. 1, Kecamatan Pakong, Kabupaten Pamekasan, Madura, Jawa Timur 69352",
    "city": "Pamekasan",
    "phone": "(0324) 000000",
    "email": "mtsn3pamekasan@example.org",
    "district_office": "KANTOR KEMENTERIAN AGAMA KABUPATEN PAMEKASAN",
    "paper_size": PaperSize.F4,
    "unit_code": "Mts.13.28.03",
}

# --- The documented demo accounts (fixed, independent of --seed) ----------------------------------

GURU_PASSWORD = "guru12345"  # noqa: S105 - published demo password, also of every generated teacher  # nosec B105

DEMO_LOGINS = [
    {"role": "Kepala Madrasah", "username": "197203151998031002", "password": "kepala123"},  # nosec B105 # published demo login
    {"role": "Waka Kurikulum", "username": "198005122005012003", "password": "waka12345"},  # nosec B105 # published demo login
    {"role": "Guru", "username": "199004172023212008", "password": GURU_PASSWORD},
    {"role": "Operator", "username": "352803001", "password": "operator123"},  # nosec B105 # published demo login
    {"role": "Pengawas Madrasah", "username": "196805101994031004", "password": "pengawas123"},  # nosec B105 # published demo login
]

_KEPALA, _WAKA, _GURU, _OPERATOR, _PENGAWAS = DEMO_LOGINS

# The staff records behind the first four logins (the pengawas has no staff record here).
DEMO_STAFF = [
    {
        "login": _KEPALA,
        "roles": [Role.KEPALA, Role.GURU],
        "subject": "akidah-akhlak",
        "fields": {
            "name": "Moh. Ali Wafa",
            "front_title": "H.",
            "back_title": "S.Ag., M.Pd.I.",
            "sex": Sex.MALE,
            "birth_place": "Pamekasan",
            "birth_date": dt.date(1972, 3, 15),
            "nip": _KEPALA["username"],
            "nuptk": "3647750652200013",
            "peg_id": "352801001",
            "employment_status": EmploymentStatus.PNS,
            "rank": "IV/b",
            "career_level": CareerLevel.MADYA,
            "certified": True,
            "teacher_type": TeacherType.SUBJECT,
            "extra_duties": "Kepala Madrasah",
        },
    },
    {
        "login": _WAKA,
        "roles": [Role.WAKA, Role.GURU],
        "subject": "matematika",
        "fields": {
            "name": "Siti Nurhasanah",
            "front_title": "",
            "back_title": "S.Pd., M.Pd.",
            "sex": Sex.FEMALE,
            "birth_place": "Sumenep",
            "birth_date": dt.date(1980, 5, 12),
            "nip": _WAKA["username"],
            "nuptk": "7844758660300022",
            "peg_id": "352801002",
            "employment_status": EmploymentStatus.PNS,
            "rank": "IV/a",
            "career_level": CareerLevel.MADYA,
            "certified": True,
            "teacher_type": TeacherType.SUBJECT,
            "extra_duties": "Waka Kurikulum",
        },
    },
    {
        "login": _GURU,
        "roles": [Role.GURU],
        "subject": "ipa",
        "fields": {
            "name": "Nur Laila Fitriyah",
            "front_title": "",
            "back_title": "S.Pd.",
            "sex": Sex.FEMALE,
            "birth_place": "Pamekasan",
            "birth_date": dt.date(1990, 4, 17),
            "nip": _GURU["username"],
            "nuptk": "1749768669130042",
            "peg_id": "352801003",
            "employment_status": EmploymentStatus.PPPK,
            "rank": "PPPK-IX",
            "career_level": CareerLevel.PERTAMA,
            "certified": False,
            "teacher_type": TeacherType.SUBJECT,
            "extra_duties": "Wali Kelas VIII-A",
        },
    },
    {
        "login": _OPERATOR,
        "roles": [Role.OPERATOR],
        "subject": None,
        "fields": {
            "name": "Ahmad Fauzi",
            "front_title": "",
            "back_title": "S.Kom.",
            "sex": Sex.MALE,
            "birth_place": "Pamekasan",
            "birth_date": dt.date(1994, 8, 21),
            "peg_id": _OPERATOR["username"],
            "employment_status": EmploymentStatus.HONORER,
            "teacher_type": TeacherType.NONE,
            "extra_duties": "Operator EMIS / Tata Usaha",
        },
    },
]

DEMO_PENGAWAS_NAME = "Abd. Rahman"

# --- Material for the generated teachers ----------------------------------------------------------

# fmt: off
MALE_FIRST = ["Moh.", "Abd.", "Ach.", "Ahmad", "Mohammad", "Muhammad", "Abdul", "Syamsul", "Badrus", "Imam"]
MALE_LAST = [
    "Hasan", "Rahman", "Syaiful", "Fauzan", "Wahid", "Zainuddin", "Baidowi", "Rofiq", "Qodir", "Kholil",
    "Arifin", "Mudzakkir", "Hairul Anam", "Jufri", "Sholeh", "Holis", "Mannan", "Junaidi", "Tohir",
    "Fathorrahman", "Muzammil", "Hanafi", "Ridwan", "Mahfud", "Sahri", "Affandi", "Sudirman", "Marzuki",
    "Hafidz", "Nawawi", "Shiddiq", "Ghozali", "Ma'ruf", "Rasyid", "Subairi",
]
FEMALE_FIRST = ["Siti", "Nur", "Nurul", "Lailatul", "Ummi", "Ainun", "Khusnul", "Dewi", "Rina", "Fitri", "Hosnol"]
FEMALE_LAST = [
    "Aminah", "Fatimah", "Khotijah", "Maimunah", "Hidayati", "Rofiqoh", "Zainab", "Halimah", "Mufidah",
    "Qadariyah", "Kulsum", "Faizah", "Azizah", "Hosnawiyah", "Qomariyah", "Sholihah", "Jannah",
    "Musyarrofah", "Rodiyah", "Fitriyah", "Hasanah", "Mawaddah", "Rahmawati", "Wahyuni", "Khoiriyah",
    "Masruroh", "Munawaroh", "Sa'diyah", "Hamidah", "Latifah",
]
BIRTH_PLACES = [
    "Pamekasan", "Pamekasan", "Pamekasan", "Pakong", "Pegantenan", "Waru", "Pasean", "Proppo", "Tlanakan",
    "Larangan", "Palengaan", "Galis", "Kadur", "Batumarmar", "Sumenep", "Sampang", "Bangkalan",
]
# fmt: on
PAI_SUBJECTS = {"quran-hadis", "akidah-akhlak", "fikih", "ski", "bahasa-arab"}
# (rank, career level) by years of service of a PNS teacher.
PNS_LADDER = [
    (4, "III/a", CareerLevel.PERTAMA),
    (8, "III/b", CareerLevel.PERTAMA),
    (12, "III/c", CareerLevel.MUDA),
    (16, "III/d", CareerLevel.MUDA),
    (20, "IV/a", CareerLevel.MADYA),
    (99, "IV/b", CareerLevel.MADYA),
]
PPPK_YEARS = (2021, 2022, 2023, 2024)
PPPK_CODE = "21"
CLASSES = [f"{grade}-{letter}" for grade in ("VII", "VIII", "IX") for letter in "ABCDEFG"]
# fmt: off
OTHER_DUTIES = [
    "Waka Kesiswaan", "Waka Sarana dan Prasarana", "Waka Humas", "Kepala Perpustakaan",
    "Kepala Laboratorium IPA", "Koordinator MGMP", "Pembina OSIM", "Bendahara BOS",
]
# fmt: on

MAX_TRIES = 1000


@dataclass
class _Person:
    fields: dict
    subject: str | None
    roles: list[str]
    password_hash: str
    demo: bool = False
    staff: Staff | None = field(default=None, repr=False)


def _parse_today(value) -> dt.date:
    if value is None:
        return timezone.localdate()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise CommandError(f"--today must be a date written YYYY-MM-DD, not {value!r}.") from None


def semester_keys(today: dt.date, count: int) -> list[tuple[int, str]]:
    """The semester containing `today` and the `count - 1` before it, oldest first."""
    key = (today.year, SemesterKind.GANJIL) if today.month >= 7 else (today.year - 1, SemesterKind.GENAP)
    keys = [key]
    while len(keys) < count:
        start_year, kind = keys[-1]
        keys.append(
            (start_year, SemesterKind.GANJIL) if kind == SemesterKind.GENAP else (start_year - 1, SemesterKind.GENAP)
        )
    return list(reversed(keys))


class _Generator:
    """Deterministic teachers from one `random.Random(seed)`; identifiers unique and checked."""

    def __init__(self, *, seed: int, today: dt.date, subjects: list[str]):
        self.rng = random.Random(seed)  # nosec B311 # demo data, seeded to repeat
        self.ref_year = today.year
        # parse_nip judges plausibility against the real date, so never appoint after it.
        self.max_year = min(today.year, dt.date.today().year)
        self.subjects = subjects
        self.used: dict[str, set[str]] = {k: set() for k in ("name", "nip", "nignp", "nuptk", "peg_id")}
        self.subject_pool: list[str] = []

    def reserve(self, fields: dict) -> None:
        for key, used in self.used.items():
            if fields.get(key):
                used.add(fields[key])

    def _unique(self, key: str, make) -> str:
        for _ in range(MAX_TRIES):
            value = make()
            if value not in self.used[key]:
                self.used[key].add(value)
                return value
        raise CommandError(f"Could not generate a unique {key}.")

    def _birth_date(self, oldest: int, youngest: int) -> dt.date:
        year = self.rng.randint(self.ref_year - oldest, self.ref_year - youngest)
        start = dt.date(year, 1, 1).toordinal()
        return dt.date.fromordinal(start + self.rng.randrange(365))

    def _digits(self, length: int) -> str:
        return str(self.rng.randint(1, 9)) + "".join(str(self.rng.randrange(10)) for _ in range(length - 1))

    def _subject(self) -> str:
        if not self.subject_pool:
            self.subject_pool = list(self.subjects)
            self.rng.shuffle(self.subject_pool)
        return self.subject_pool.pop()

    def _name(self, sex: str) -> str:
        first, last = (MALE_FIRST, MALE_LAST) if sex == Sex.MALE else (FEMALE_FIRST, FEMALE_LAST)

        def make() -> str:
            name = f"{self.rng.choice(first)} {self.rng.choice(last)}"
            # A second family part now and then, as in "Moh. Hairul Anam": more names, fewer clashes.
            return f"{name} {self.rng.choice(last)}" if self.rng.random() < 0.2 else name

        return self._unique("name", make)

    def _back_title(self, subject: str, teacher_type: str) -> str:
        if teacher_type == TeacherType.COUNSELLOR:
            bachelor = self.rng.choice(["S.Pd.", "S.Psi."])
        elif subject in PAI_SUBJECTS:
            bachelor = self.rng.choice(["S.Pd.I.", "S.Pd.I.", "S.Ag."])
        elif subject == "informatika":
            bachelor = self.rng.choice(["S.Kom.", "S.Pd."])
        else:
            bachelor = "S.Pd."
        if self.rng.random() < 0.2:
            master = "M.Pd.I." if subject in PAI_SUBJECTS else "M.Pd."
            return f"{bachelor}, {master}"
        return bachelor

    def teacher(self, *, status: str, teacher_type: str) -> tuple[dict, str]:
        rng = self.rng
        sex = rng.choice([Sex.MALE, Sex.FEMALE])
        subject = "bk" if teacher_type == TeacherType.COUNSELLOR else self._subject()
        fields = {
            "name": self._name(sex),
            "back_title": self._back_title(subject, teacher_type),
            "sex": sex,
            "birth_place": rng.choice(BIRTH_PLACES),
            "employment_status": status,
            "teacher_type": teacher_type,
        }
        sex_digit = "1" if sex == Sex.MALE else "2"
        if status == EmploymentStatus.PNS:
            birth = self._birth_date(57, 30)
            appointed = min(birth.year + rng.randint(23, 30), self.max_year - 1)
            month = rng.choice(["01", "02", "03", "04", "12"])
            fields["nip"] = self._unique(
                "nip", lambda: f"{birth:%Y%m%d}{appointed}{month}{sex_digit}{rng.randint(1, 30):03d}"
            )
            service = self.ref_year - appointed
            _limit, rank, level = next(step for step in PNS_LADDER if service < step[0])
            fields.update(rank=rank, career_level=level, certified=rng.random() < 0.75)
            has_nuptk = True
        elif status == EmploymentStatus.PPPK:
            birth = self._birth_date(55, 27)
            years = [y for y in PPPK_YEARS if y <= self.max_year] or [self.max_year]
            appointed = rng.choice(years)
            fields["nip"] = self._unique(
                "nip", lambda: f"{birth:%Y%m%d}{appointed}{PPPK_CODE}{sex_digit}{rng.randint(1, 99):03d}"
            )
            fields.update(rank="PPPK-IX", career_level=CareerLevel.PERTAMA, certified=rng.random() < 0.35)
            has_nuptk = rng.random() < 0.9
        else:
            birth = self._birth_date(45, 23)
            if rng.random() < 0.5:
                fields["nignp"] = self._unique("nignp", lambda: self._digits(18))
            fields["certified"] = rng.random() < 0.1
            has_nuptk = rng.random() < 0.6
        fields["birth_date"] = birth
        if has_nuptk:
            fields["nuptk"] = self._unique("nuptk", lambda: self._digits(16))
        fields["peg_id"] = self._unique("peg_id", lambda: self._digits(9))
        age = self.ref_year - birth.year
        if age >= 40 and rng.random() < 0.3:
            fields["front_title"] = "H." if sex == Sex.MALE else "Hj."
        return fields, subject

    def statuses(self, count: int) -> list[tuple[str, str]]:
        """(employment status, teacher type) for `count` generated teachers."""
        bk = 2 if count >= 10 else (1 if count >= 4 else 0)
        pns = round(count * 0.45)
        pppk = round(count * 0.2)
        honorer = count - pns - pppk
        plan = [EmploymentStatus.PNS] * pns + [EmploymentStatus.PPPK] * pppk + [EmploymentStatus.HONORER] * honorer
        self.rng.shuffle(plan)
        # Counsellors: one civil servant and one honorary teacher when there are two.
        types = [TeacherType.SUBJECT] * count
        for wanted in [EmploymentStatus.PNS, EmploymentStatus.HONORER][:bk]:
            index = next((i for i, s in enumerate(plan) if s == wanted and types[i] == TeacherType.SUBJECT), None)
            if index is None:
                index = types.index(TeacherType.SUBJECT)
            types[index] = TeacherType.COUNSELLOR
        return list(zip(plan, types, strict=True))


def check_identifiers(fields: dict) -> None:
    """Raise `ValidationError` if any identifier of `fields` is invalid or disagrees with the person."""
    status = fields["employment_status"]
    if fields.get("nip"):
        parts = parse_nip(fields["nip"], pppk=status in EmploymentStatus.pppk())
        if status == EmploymentStatus.PNS and parts.is_pppk_form:
            raise ValidationError(f"NIP {fields['nip']} of a PNS is in PPPK form.")
        warnings = nip_warnings(fields["nip"], birth_date=fields.get("birth_date"), sex=fields["sex"])
        if warnings:
            raise ValidationError(warnings)
    for key, validate in (("nignp", validate_nignp), ("nuptk", validate_nuptk), ("peg_id", validate_peg_id)):
        if fields.get(key):
            validate(fields[key])


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
        today = _parse_today(options["today"])
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

    def _people(self, *, seed: int, today: dt.date, teachers: int) -> list[_Person]:
        subjects = list(
            Subject.objects.filter(madrasah__isnull=True)
            .exclude(code="bk")
            .order_by("order", "code")
            .values_list("code", flat=True)
        )
        generator = _Generator(seed=seed, today=today, subjects=subjects)
        hashes: dict[str, str] = {}

        def hashed(password: str) -> str:
            if password not in hashes:
                hashes[password] = make_password(password)
            return hashes[password]

        people = []
        for demo in DEMO_STAFF:
            generator.reserve(demo["fields"])
            people.append(
                _Person(
                    fields=dict(demo["fields"]),
                    subject=demo["subject"],
                    roles=list(demo["roles"]),
                    password_hash=hashed(demo["login"]["password"]),
                    demo=True,
                )
            )
        generator.used["nip"].add(_PENGAWAS["username"])
        demo_teachers = sum(1 for p in people if p.fields["teacher_type"] != TeacherType.NONE)
        for status, teacher_type in generator.statuses(teachers - demo_teachers):
            fields, subject = generator.teacher(status=status, teacher_type=teacher_type)
            people.append(
                _Person(fields=fields, subject=subject, roles=[Role.GURU], password_hash=hashed(GURU_PASSWORD))
            )
        self._assign_duties(generator.rng, [p for p in people if not p.demo])
        for person in people:
            try:
                check_identifiers(person.fields)
            except ValidationError as error:
                raise CommandError(f"Generated invalid data for {person.fields['name']}: {error.messages}") from None
        return people

    @staticmethod
    def _assign_duties(rng: random.Random, people: list[_Person]) -> None:
        subject_teachers = [p for p in people if p.fields["teacher_type"] == TeacherType.SUBJECT]
        order = list(range(len(subject_teachers)))
        rng.shuffle(order)
        duties = list(OTHER_DUTIES) + [f"Wali Kelas {c}" for c in CLASSES if c != "VIII-A"]
        for index, duty in zip(order, duties, strict=False):
            subject_teachers[index].fields["extra_duties"] = duty

    def _seed_people(self, madrasah: Madrasah, people: list[_Person]) -> list[str]:
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
            (_PENGAWAS["username"], DEMO_PENGAWAS_NAME, make_password(_PENGAWAS["password"]), None, [Role.PENGAWAS])
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
