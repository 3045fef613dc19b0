"""Tenant isolation in a district, as a property: random personas open random objects of random
madrasah, and each answer is the one the access rule gives (`expected`, written here from the rule,
not from the views):

- the district reader belongs to no madrasah: every page of one is refused (403) before any object
  is looked up;
- a page for a role the persona does not hold is refused (403) whatever the object;
- an object of another madrasah than the one the persona works in, or one that does not exist → 404;
- a teacher's record (result, follow-up, staff record) read by another teacher → 404;
- a change the persona's role may not make → 403; else 200.

Three madrasah: A and B under one pengawas (working in A, or in B), C outside with its own operator.
One world per module; every request rolls back what it wrote.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from django.conf import settings as django_settings
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from madrasah.middleware import SESSION_KEY

MISSING = 10**19  # a 20-digit id: no such object anywhere

# persona → (the madrasah they work in, their roles there)
PERSONAS = {
    "guru": ("A", {"guru"}),
    "guru_lain": ("A", {"guru"}),
    "waka": ("A", {"waka", "guru"}),
    "kepala": ("A", {"kepala", "guru"}),
    "operator": ("A", {"operator"}),
    "pengawas": ("A", {"pengawas"}),
    "pengawas_in_b": ("B", {"pengawas"}),
    "operator_c": ("C", {"operator"}),
    "reader": (None, set()),
}
OVERSEEN = {"A", "B"}  # by the pengawas
# Who reads a teacher's record of their madrasah besides the teacher: staff records (madrasah.access
# STAFF_READERS) and supervision results (kompetensi.access), which the operator never sees.
STAFF_READERS = {"kepala", "waka", "operator", "pengawas"}
RESULT_READERS = {"kepala", "waka", "pengawas"}
STAFF_WRITERS = {"kepala", "operator"}


@dataclass(frozen=True)
class Kind:
    url: str
    record_of_teacher: bool  # private to the teacher among teachers
    readers: frozenset[str] = frozenset()
    writers: frozenset[str] | None = None  # None: a page that reads
    role: str | None = None  # a page only this role opens at all


KINDS = {
    "observation": Kind("kompetensi:observation-detail", True, frozenset(RESULT_READERS)),
    "follow_up": Kind("kompetensi:follow-up-detail", True, frozenset(RESULT_READERS)),
    "staff": Kind("madrasah:staff-detail", True, frozenset(STAFF_READERS)),
    "staff_update": Kind("madrasah:staff-update", True, frozenset(STAFF_READERS), frozenset(STAFF_WRITERS)),
    "programme": Kind("kompetensi:programme-detail", False),
    "madrasah": Kind("laporan:pengawas-madrasah", False, role="pengawas"),
}


def expected(persona: str, kind_name: str, madrasah: str | None) -> int:
    """The access rule. `madrasah` None: an id that exists nowhere."""
    home, roles = PERSONAS[persona]
    kind = KINDS[kind_name]
    if home is None:
        return 403
    if kind.role is not None:
        if kind.role not in roles:
            return 403
        return 200 if madrasah in OVERSEEN else 404
    if madrasah != home:
        return 404
    own_record = persona == "guru"  # each madrasah's records are its guru's; ours is A's
    if kind.record_of_teacher and not own_record and not roles & kind.readers:
        return 404
    if kind.writers is not None and not roles & kind.writers:
        return 403
    return 200


def _madrasah(label: str, name: str, nsm: str, npsn: str) -> SimpleNamespace:
    """A madrasah with its semester, Kepala, Waka and a guru whose final result has a follow-up."""
    from tests.factories.madrasah import MadrasahFactory, SemesterFactory, member
    from tests.factories.mutu import final_result, follow_up

    madrasah = MadrasahFactory(name=name, nsm=nsm, npsn=npsn)
    semester = SemesterFactory(academic_year__madrasah=madrasah)
    kepala = member(madrasah=madrasah, roles=["kepala", "guru"])
    waka = member(madrasah=madrasah, roles=["waka", "guru"])
    guru = member(madrasah=madrasah, roles=["guru"])
    observation = final_result(semester=semester, teacher=guru, supervisor=waka, percentage=82)
    later = follow_up(observation, deadline=semester.end_date - dt.timedelta(days=1))
    return SimpleNamespace(
        label=label,
        madrasah=madrasah,
        kepala=kepala,
        waka=waka,
        guru=guru,
        ids={
            "observation": observation.pk,
            "follow_up": later.pk,
            "staff": guru.staff_id,
            "staff_update": guru.staff_id,
            "programme": observation.row.programme_id,
            "madrasah": madrasah.pk,
        },
    )


def _build() -> SimpleNamespace:
    from madrasah.models import Membership, MembershipRole, User
    from tests.factories.madrasah import StaffFactory, UserFactory, member

    a = _madrasah("A", "MTs Negeri 3 Pamekasan", "121135280003", "20580456")
    b = _madrasah("B", "MTs Swasta Al-Amien", "121235280011", "20580777")
    c = _madrasah("C", "MTs Negeri 1 Sumenep", "121135290001", "20580999")
    pengawas = member(madrasah=a.madrasah, roles=["pengawas"], username="196805101994031004")
    in_b = Membership.objects.create(user=pengawas.user, madrasah=b.madrasah)
    MembershipRole.objects.create(membership=in_b, role="pengawas")

    def operator(m):
        staff = StaffFactory(madrasah=m, teacher_type="none", employment_status="honorer", nip="")
        return member(madrasah=m, roles=["operator"], staff=staff, username=f"op{m.pk}")

    reader = UserFactory(username="197001011995031001")
    User.objects.filter(pk=reader.pk).update(district_reader=True)
    who = {
        "guru": a.guru,
        "guru_lain": member(madrasah=a.madrasah, roles=["guru"]),
        "waka": a.waka,
        "kepala": a.kepala,
        "operator": operator(a.madrasah),
        "pengawas": pengawas,
        "pengawas_in_b": in_b,
        "operator_c": operator(c.madrasah),
        "reader": reader,
    }
    sessions = {}
    for name, person in who.items():
        client = Client()
        client.force_login(person if isinstance(person, User) else person.user)
        if not isinstance(person, User):
            session = client.session
            session[SESSION_KEY] = person.pk
            session.save()
        sessions[name] = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    return SimpleNamespace(madrasah={"A": a, "B": b, "C": c}, sessions=sessions, client=Client())


@pytest.fixture(scope="module")
def district(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield _build()
        transaction.set_rollback(True)


def _get(world, persona: str, url: str) -> int:
    client = world.client
    client.cookies.clear()
    client.cookies[django_settings.SESSION_COOKIE_NAME] = world.sessions[persona]
    with transaction.atomic():
        response = client.get(url)
        transaction.set_rollback(True)
    return response.status_code


@settings(
    max_examples=60,
    deadline=None,
    database=None,
    derandomize=True,
    print_blob=False,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    persona=st.sampled_from(sorted(PERSONAS)),
    kind=st.sampled_from(sorted(KINDS)),
    madrasah=st.sampled_from(["A", "B", "C", None]),
)
def test_every_answer_follows_the_access_rule(district, db, persona, kind, madrasah):
    pk = district.madrasah[madrasah].ids[kind] if madrasah else MISSING
    url = reverse(KINDS[kind].url, args=[pk])
    assert _get(district, persona, url) == expected(persona, kind, madrasah), f"{persona} GET {url} ({madrasah})"


def test_the_oracle_covers_each_rule(district, db):
    """A few cases by hand, so a wrong oracle cannot agree with a wrong view."""
    cases = [
        ("pengawas", "madrasah", "B", 200),
        ("pengawas", "madrasah", "C", 404),
        ("pengawas_in_b", "observation", "A", 404),
        ("pengawas_in_b", "observation", "B", 200),
        ("guru_lain", "observation", "A", 404),
        ("operator", "observation", "A", 404),
        ("operator", "staff", "A", 200),
        ("waka", "staff_update", "A", 403),
        ("operator_c", "staff_update", "A", 404),
        ("operator_c", "staff_update", "C", 200),
        ("reader", "programme", "A", 403),
        ("kepala", "madrasah", "A", 403),
        ("kepala", "staff", None, 404),
    ]
    for persona, kind, madrasah, status in cases:
        assert expected(persona, kind, madrasah) == status, (persona, kind, madrasah)
        pk = district.madrasah[madrasah].ids[kind] if madrasah else MISSING
        assert _get(district, persona, reverse(KINDS[kind].url, args=[pk])) == status, (persona, kind, madrasah)
