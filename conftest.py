"""Personas shared by every test: one madrasah with each role, and an outsider from another.

Reference data comes from the same idempotent function the migration uses, so transactional tests
(which flush the tables) still have it.
"""

import os

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop

# The personas below: their madrasah and the pengawas have fixed identifiers (NSM, NIP).
PERSONAS = ("madrasah", "other_madrasah", "kepala", "waka", "guru", "guru_lain", "operator", "pengawas", "outsider")


def _shares_a_world(item) -> bool:
    """Whether the test uses a world: a fixture of the suite's, wider than one test, that writes
    through `django_db_blocker` and stays alive until its module's last test."""
    info = getattr(item, "_fixtureinfo", None)
    definitions = [definition for found in info.name2fixturedefs.values() for definition in found] if info else []
    return any(
        definition.scope != "function"
        and "django_db_blocker" in definition.argnames
        and definition.func.__module__.startswith("tests.")
        for definition in definitions
    )


def pytest_collection_modifyitems(config, items):
    """Refuses a module that mixes a shared world with tests that build the personas below: in a
    random order (`make test-random`), such a test could run after the world and meet its madrasah.
    Refuses too an xdist worker whose `--dist loadgroup` ignored the `xdist_group` marks (the
    expensive worlds would be built on every worker)."""
    if getattr(config.option, "loadgroup", False):
        ignored = [item.nodeid for item in items if item.get_closest_marker("xdist_group") and "@" not in item.nodeid]
        if ignored:
            raise pytest.UsageError(
                f"pytest-xdist ignored the xdist_group of {ignored[0]} and {len(ignored) - 1} more: this "
                "pytest and pytest-xdist do not work together (pytest-dev/pytest-xdist#1386); see requirements-dev.txt"
            )
    by_module: dict[str, list] = {}
    for item in items:
        by_module.setdefault(item.nodeid.split("::")[0], []).append(item)
    mixed = []
    for module, module_items in sorted(by_module.items()):
        own = sorted({item.name for item in module_items if set(PERSONAS) & set(getattr(item, "fixturenames", ()))})
        if own and any(_shares_a_world(item) for item in module_items):
            mixed.append(f"{module}: {', '.join(own)}")
    if mixed:
        raise pytest.UsageError(
            "A module that shares a world may not build the personas of the root conftest; move these tests "
            "to a module of their own:\n  " + "\n  ".join(mixed)
        )


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """pytest-django's hook before it creates the test database: it will come from the migrated
    template when one exists (tests/template_db.py)."""
    from tests.template_db import use_template

    use_template()


@pytest.fixture(autouse=True)
def reference_data(db):
    from kompetensi.instruments.seed import ensure_frameworks
    from kompetensi.models import Framework
    from madrasah.models import Subject
    from madrasah.reference import SUBJECTS, ensure_reference_data

    # One query when the rows are intact (every test but the first after a transactional one): the
    # idempotent function costs some fifty queries, before each of the suite's tests.
    national = set(Subject.objects.filter(madrasah__isnull=True).values_list("code", "name", "group", "order"))
    if national != {(code, name, group, order) for order, (code, name, group) in enumerate(SUBJECTS, start=1)}:
        ensure_reference_data()
    if not Framework.objects.exists():  # emptied by a transactional test: seed again
        ensure_frameworks()


@pytest.fixture
def madrasah(db):
    from tests.factories.madrasah import MadrasahFactory, SemesterFactory

    madrasah = MadrasahFactory(name="MTs Negeri 3 Pamekasan", nsm="121135280003", npsn="20580456")
    SemesterFactory(academic_year__madrasah=madrasah)
    return madrasah


@pytest.fixture
def other_madrasah(db):
    from tests.factories.madrasah import MadrasahFactory, SemesterFactory

    madrasah = MadrasahFactory(name="MTs Negeri 1 Sumenep", nsm="121135290001", npsn="20580999")
    SemesterFactory(academic_year__madrasah=madrasah)
    return madrasah


def _member(madrasah, roles, **kwargs):
    from tests.factories.madrasah import member

    return member(madrasah=madrasah, roles=roles, **kwargs)


@pytest.fixture
def kepala(madrasah):
    return _member(madrasah, ["kepala", "guru"])


@pytest.fixture
def waka(madrasah):
    return _member(madrasah, ["waka", "guru"])


@pytest.fixture
def guru(madrasah):
    return _member(madrasah, ["guru"])


@pytest.fixture
def guru_lain(madrasah):
    return _member(madrasah, ["guru"])


@pytest.fixture
def operator(madrasah):
    from tests.factories.madrasah import StaffFactory

    staff = StaffFactory(
        madrasah=madrasah, teacher_type="none", employment_status="honorer", nip="", peg_id="7788990011"
    )
    return _member(madrasah, ["operator"], staff=staff)


@pytest.fixture
def pengawas(madrasah):
    return _member(madrasah, ["pengawas"], username="196805101994031004")


@pytest.fixture
def outsider(other_madrasah):
    """The Kepala of another madrasah: must get nothing of ours."""
    return _member(other_madrasah, ["kepala", "guru"])


@pytest.fixture
def login(client):
    """`login(membership)` logs its user in on the test client and returns the client."""

    def do_login(membership):
        client.force_login(membership.user)
        return client

    return do_login
