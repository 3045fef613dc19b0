"""The people of the demo madrasah: the madrasah's letterhead data, the documented demo accounts, and a
deterministic generator for the other teachers (`random.Random(seed)`, no Faker: its output changes
between versions), every identifier checked with `madrasah.identifiers` before anything is written.
`seed_demo` uses them."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.utils import timezone

from .identifiers import (
    nip_warnings,
    parse_nip,
    validate_nignp,
    validate_nuptk,
    validate_peg_id,
)
from .models import CareerLevel, EmploymentStatus, PaperSize, Role, SemesterKind, Sex, Staff, TeacherType

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

_KEPALA, _WAKA, _GURU, _OPERATOR, DEMO_PENGAWAS = DEMO_LOGINS

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
class DemoPerson:
    fields: dict
    subject: str | None
    roles: list[str]
    password_hash: str
    demo: bool = False
    staff: Staff | None = field(default=None, repr=False)


def parse_today(value) -> dt.date:
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


class TeacherGenerator:
    """Deterministic teachers from one `random.Random(seed)`; identifiers unique and checked."""

    def __init__(self, *, seed: int | str, today: dt.date, subjects: list[str], used: dict | None = None):
        self.rng = random.Random(seed)  # nosec B311 # demo data, seeded to repeat
        self.ref_year = today.year
        # parse_nip judges plausibility against the real date, so never appoint after it.
        self.max_year = min(today.year, dt.date.today().year)
        self.subjects = subjects
        # Shared by the generators of a district's madrasah: names and identifiers unique across them.
        self.used: dict[str, set[str]] = used if used is not None else new_used()
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

    def operator(self) -> dict:
        """The operator of a generated madrasah: honorary staff, no teaching, known by the PegID."""
        rng = self.rng
        sex = rng.choice([Sex.MALE, Sex.FEMALE])
        return {
            "name": self._name(sex),
            "back_title": rng.choice(["S.Kom.", "S.Kom.", "S.E.", "A.Md."]),
            "sex": sex,
            "birth_place": rng.choice(BIRTH_PLACES),
            "birth_date": self._birth_date(40, 22),
            "peg_id": self._unique("peg_id", lambda: self._digits(9)),
            "employment_status": EmploymentStatus.HONORER,
            "teacher_type": TeacherType.NONE,
            "extra_duties": "Operator EMIS / Tata Usaha",
        }

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


def new_used() -> dict[str, set[str]]:
    """Empty sets of the names and identifiers a generator has handed out."""
    return {key: set() for key in ("name", "nip", "nignp", "nuptk", "peg_id")}


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
