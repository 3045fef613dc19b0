"""Login by the NIP as people write it: spaces, dots and dashes do not matter, nor do they get around
the lockout; the refusal reads as a sentence in Indonesian."""

import pytest
from axes.models import AccessAttempt

from madrasah.models import User
from tests.factories.madrasah import member

LOGIN = "/masuk/"
NIP = "197203151998031002"
PASSWORD = "rahasia-123"  # noqa: S105 (the factories' test password)


def post_login(client, username, password=PASSWORD, ip="10.0.0.5"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


@pytest.fixture
def teacher(madrasah):
    return member(madrasah=madrasah, roles=["guru"], username=NIP)


@pytest.mark.parametrize(
    "typed",
    ["19720315 199803 1 002", "19720315.199803.1.002", "19720315-199803-1-002", " 1972 0315 1998 0310 02 "],
)
def test_a_teacher_logs_in_with_the_nip_as_printed(client, teacher, typed):
    response = post_login(client, typed)
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == teacher.user.pk


def test_printed_variants_share_one_lockout(client, teacher, settings):
    variants = ["19720315 199803 1 002", "19720315.199803.1.002", "19720315-199803-1-002", NIP]
    for number in range(settings.AXES_FAILURE_LIMIT):
        post_login(client, variants[number % len(variants)], "salah")
    assert AccessAttempt.objects.get().username == NIP
    locked = post_login(client, "1972-0315 199803.1.002")
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_word_username_keeps_its_dots_and_dashes(client, madrasah):
    User.objects.create_user(username="admin.mtsn-3", password=PASSWORD)
    assert post_login(client, "adminmtsn3").status_code == 200
    assert post_login(client, "admin.mtsn-3").status_code == 302


def test_the_refusal_reads_correctly_in_indonesian(client, teacher):
    page = post_login(client, "19720315 199803 1 002", "salah").content.decode()
    assert "NIP/NIGNP/PegID atau sandi salah. Perhatikan huruf besar-kecil sandi." in page
    assert "nama pengguna nama pengguna" not in page
