"""The setup code of a blank installation: issued once, typed as people type, single use, void after
24 hours, rate-limited, kept owner-only; `manage.py setup_code` prints it with the setup address."""

import datetime as dt
import json
import re
import stat
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from madrasah import setup_code
from madrasah.models import User
from madrasah.setup_code import (
    setup_code_consume,
    setup_code_current,
    setup_code_issue,
    setup_code_locked_until,
    setup_code_redeem,
    setup_code_verify,
    setup_needed,
)

START = dt.datetime(2026, 7, 1, 8, 0, tzinfo=dt.UTC)
CODE_SHAPE = re.compile(r"^[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{4}(-[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{4}){2}$")


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    return tmp_path


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def wrong(code: str) -> str:
    return code[:-1] + ("2" if code[-1] != "2" else "3")


def command(*args) -> str:
    out = StringIO()
    call_command("setup_code", *args, stdout=out)
    return out.getvalue()


def test_it_issues_a_grouped_code_of_twelve_unambiguous_characters(clock):
    code = setup_code_issue()
    assert CODE_SHAPE.match(code), code
    assert setup_code_current() == code
    assert setup_code_issue() == code  # the same code until it is used or expires


def test_the_file_is_owner_only_and_records_the_code(clock, data_dir):
    code = setup_code_issue()
    path = data_dir / "setup-code.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    state = json.loads(path.read_text())
    assert state["code"] == code.replace("-", "")
    assert state["created_at"] == START.isoformat()
    assert state["used_at"] is None
    assert state["failed_attempts"] == []


@pytest.mark.parametrize("typed", ["{}", "{lower}", " {spaced} ", "{nodash}", "{lower_spaced}"])
def test_it_accepts_the_code_as_people_type_it(clock, typed):
    code = setup_code_issue()
    variants = {
        "lower": code.lower(),
        "spaced": code.replace("-", " "),
        "nodash": code.replace("-", ""),
        "lower_spaced": code.lower().replace("-", " - "),
    }
    assert setup_code_verify(typed.format(code, **variants)) is True


def test_it_refuses_a_wrong_or_empty_code(clock):
    code = setup_code_issue()
    assert setup_code_verify(wrong(code)) is False
    assert setup_code_verify("") is False
    assert setup_code_verify(code[:9]) is False


def test_nothing_verifies_before_a_code_is_issued(clock):
    assert setup_code_current() is None
    assert setup_code_verify("") is False
    assert setup_code_verify("AAAA-AAAA-AAAA") is False


def test_a_code_is_void_after_24_hours_and_a_new_one_replaces_it(clock):
    code = setup_code_issue()
    clock.shift(dt.timedelta(hours=23, minutes=59))
    assert setup_code_current() == code
    clock.shift(dt.timedelta(minutes=1))
    assert setup_code_current() is None
    assert setup_code_verify(code) is False
    fresh = setup_code_issue()
    assert fresh != code
    assert setup_code_verify(fresh) is True


def test_a_code_is_single_use(clock):
    code = setup_code_issue()
    assert setup_code_verify(code) is True
    setup_code_consume()
    assert setup_code_verify(code) is False
    assert setup_code_current() is None
    assert setup_code_issue() != code  # printing it again gives a new code


def test_redeem_succeeds_once(clock):
    code = setup_code_issue()
    assert setup_code_redeem(code) is True
    assert setup_code_redeem(code) is False


def test_force_replaces_a_valid_code(clock):
    code = setup_code_issue()
    fresh = setup_code_issue(force=True)
    assert fresh != code
    assert setup_code_verify(code) is False
    assert setup_code_verify(fresh) is True


def test_five_failures_in_fifteen_minutes_lock_out_even_the_right_code(clock):
    code = setup_code_issue()
    for _ in range(5):
        clock.shift(dt.timedelta(minutes=2))
        assert setup_code_verify(wrong(code)) is False
    assert setup_code_locked_until() == timezone.now() + dt.timedelta(minutes=15)
    assert setup_code_verify(code) is False
    assert setup_code_issue(force=True) and setup_code_verify(setup_code_current()) is False  # no way around it
    clock.shift(dt.timedelta(minutes=15))
    assert setup_code_locked_until() is None
    assert setup_code_verify(setup_code_current()) is True


def test_failures_spread_over_more_than_fifteen_minutes_do_not_lock_out(clock):
    code = setup_code_issue()
    for _ in range(4):
        assert setup_code_verify(wrong(code)) is False
    clock.shift(dt.timedelta(minutes=16))
    assert setup_code_verify(wrong(code)) is False
    assert setup_code_verify(code) is True


def test_setup_is_needed_only_without_madrasah_and_installation_administrator(db):
    assert setup_needed() is True
    User.objects.create_user("biasa", password="x")  # an ordinary account opens nothing
    assert setup_needed() is True
    User.objects.create_superuser("admin", password="x")
    assert setup_needed() is False


def test_setup_is_not_needed_once_a_madrasah_exists(madrasah):
    assert setup_needed() is False


def test_the_command_prints_the_setup_address_and_the_same_code_again(db, clock):
    first = command("--url", "http://192.168.1.10:8000/")
    assert "http://192.168.1.10:8000/siapkan/" in first
    code = setup_code_current()
    assert code in first
    assert "02-07-2026 15:00 WIB" in first  # 24 hours later, in the madrasah's time
    assert code in command()
    assert "?" not in first and "siapkan/" + code not in first  # never in an address


def test_the_command_new_replaces_the_code(db, clock):
    command()
    old = setup_code_current()
    output = command("--new")
    assert setup_code_current() != old
    assert setup_code_current() in output and old not in output


def test_the_command_says_when_setup_is_done(madrasah, clock):
    output = command("--url", "http://mutu.lan/")
    assert setup_code_current() is None
    assert "http://mutu.lan/" in output
    assert "/siapkan/" not in output
    assert re.search(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}", output) is None


def test_a_real_use_folder_is_never_seeded_with_the_demo(db, data_dir):
    command("--real-use")
    assert (data_dir / "real-use").exists()
    with pytest.raises(CommandError, match="real madrasah"):
        call_command("seed_demo", "--if-empty", stdout=StringIO(), stderr=StringIO())
    from madrasah.models import Madrasah

    assert not Madrasah.objects.exists()


def test_the_demo_is_not_seeded_beside_an_installation_administrator(db):
    User.objects.create_superuser("admin", password="x")
    out = StringIO()
    call_command("seed_demo", "--if-empty", stdout=out, stderr=StringIO())
    assert "nothing seeded" in out.getvalue()
    assert setup_code.setup_needed() is False
    from madrasah.models import Madrasah

    assert not Madrasah.objects.exists()
