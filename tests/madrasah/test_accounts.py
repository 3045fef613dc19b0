"""Accounts as a madrasah needs them: identifiers as usernames, first-login change, lockouts."""

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from madrasah.models import Membership, User
from tests.factories.madrasah import StaffFactory

LOGIN = "/masuk/"


def post_login(client, username, password, ip="10.0.0.5"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_a_teacher_logs_in_with_the_nip_and_lands_on_their_home(client, guru):
    response = post_login(client, guru.user.username, "rahasia-123")
    assert response.status_code == 302
    assert client.get(response.url, follow=True).redirect_chain[-1][0] == "/beranda/guru/"


def test_a_wrong_password_keeps_the_user_on_the_login_page(client, guru):
    response = post_login(client, guru.user.username, "salah")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_a_new_account_must_change_its_password_before_anything_else(client, guru):
    guru.user.must_change_password = True
    guru.user.save()
    client.force_login(guru.user)
    for path in ("/", "/beranda/guru/", f"/pegawai/{guru.staff_id}/"):
        response = client.get(path)
        assert response.status_code == 302
        assert response.url == "/akun/sandi/"
    response = client.post(
        "/akun/sandi/",
        {"old_password": "rahasia-123", "new_password1": "Madrasah-Hebat-2026", "new_password2": "Madrasah-Hebat-2026"},
    )
    assert response.status_code == 302
    guru.user.refresh_from_db()
    assert not guru.user.must_change_password
    assert client.get("/", follow=True).redirect_chain[-1][0] == "/beranda/guru/"


def test_a_forced_change_after_login_with_the_slip_asks_only_for_the_new_password_twice(client, guru):
    guru.user.must_change_password = True
    guru.user.save()
    assert post_login(client, guru.user.username, "rahasia-123").status_code == 302
    page = client.get("/akun/sandi/").content.decode()
    assert 'name="old_password"' not in page
    assert 'name="new_password2"' in page
    response = client.post(
        "/akun/sandi/", {"new_password1": "Madrasah-Hebat-2026", "new_password2": "Madrasah-Hebat-2026"}
    )
    assert response.status_code == 302
    guru.user.refresh_from_db()
    assert guru.user.check_password("Madrasah-Hebat-2026")
    assert not guru.user.must_change_password


def test_a_forced_change_still_needs_the_new_password_typed_twice_alike(client, guru):
    guru.user.must_change_password = True
    guru.user.save()
    client.force_login(guru.user)
    response = client.post(
        "/akun/sandi/", {"new_password1": "Madrasah-Hebat-2026", "new_password2": "Madrasah-Hebat-2027"}
    )
    assert response.status_code == 200
    guru.user.refresh_from_db()
    assert guru.user.check_password("rahasia-123")
    assert guru.user.must_change_password


def test_a_change_by_choice_still_asks_for_the_current_password(client, guru):
    client.force_login(guru.user)
    assert 'name="old_password"' in client.get("/akun/sandi/").content.decode()
    response = client.post(
        "/akun/sandi/", {"new_password1": "Madrasah-Hebat-2026", "new_password2": "Madrasah-Hebat-2026"}
    )
    assert response.status_code == 200
    guru.user.refresh_from_db()
    assert guru.user.check_password("rahasia-123")


def test_a_weak_new_password_is_refused_in_indonesian(client, guru):
    client.force_login(guru.user)
    response = client.post(
        "/akun/sandi/", {"old_password": "rahasia-123", "new_password1": "123", "new_password2": "123"}
    )
    assert response.status_code == 200
    assert "terlalu pendek" in response.content.decode()


def test_lockout_is_per_username_and_address(client, guru, guru_lain, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        post_login(client, guru.user.username, "salah", ip="10.0.0.5")
    locked = post_login(client, guru.user.username, "rahasia-123", ip="10.0.0.5")
    assert locked.status_code == 429
    assert "Coba lagi setelah pukul" in locked.content.decode()
    # A colleague on the same madrasah wifi address still logs in.
    assert post_login(client, guru_lain.user.username, "rahasia-123", ip="10.0.0.5").status_code == 302
    client.logout()
    # The same teacher from another address (their phone on mobile data) still logs in.
    assert post_login(client, guru.user.username, "rahasia-123", ip="10.0.0.99").status_code == 302


def test_the_operator_sees_and_lifts_a_lockout(client, guru, operator, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        post_login(client, guru.user.username, "salah")
    client.force_login(operator.user)
    page = client.get("/akun/terkunci/")
    assert guru.user.username in page.content.decode()
    client.post("/akun/terkunci/buka/", {"username": guru.user.username})
    assert not AccessAttempt.objects.filter(username=guru.user.username).exists()
    client.logout()
    assert post_login(client, guru.user.username, "rahasia-123").status_code == 302


def test_the_operator_cannot_unlock_another_madrasahs_user(client, operator, outsider, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        post_login(client, outsider.user.username, "salah")
    client.force_login(operator.user)
    client.post("/akun/terkunci/buka/", {"username": outsider.user.username})
    assert AccessAttempt.objects.filter(username=outsider.user.username).exists()


def test_the_operator_resets_a_password_and_gets_a_slip(client, guru, operator):
    client.force_login(operator.user)
    response = client.post(f"/pegawai/{guru.staff_id}/reset-sandi/")
    assert response.status_code == 200
    password = response.context["slips"][0]["password"]
    assert password in response.content.decode()
    guru.user.refresh_from_db()
    assert guru.user.must_change_password
    assert guru.user.check_password(password)
    assert not guru.user.check_password("rahasia-123")


def test_the_operator_creates_an_account_named_by_the_nip(client, operator, madrasah):
    teacher = StaffFactory(madrasah=madrasah)
    client.force_login(operator.user)
    response = client.post(f"/pegawai/{teacher.pk}/akun/", {"roles": ["guru"]})
    assert response.status_code == 200
    user = User.objects.get(username=teacher.nip)
    assert user.must_change_password
    assert Membership.objects.get(user=user).role_set == {"guru"}


def test_an_honorary_teacher_without_nip_gets_the_pegid_as_username(client, operator, madrasah):
    teacher = StaffFactory(madrasah=madrasah, nip="", employment_status="honorer", peg_id="55667788")
    client.force_login(operator.user)
    client.post(f"/pegawai/{teacher.pk}/akun/", {"roles": ["guru"]})
    assert User.objects.filter(username="55667788").exists()


def test_a_person_teaching_at_two_madrasah_keeps_one_login_after_accepting(client, operator, madrasah, other_madrasah):
    from tests.factories.madrasah import member

    elsewhere = member(madrasah=other_madrasah, roles=["guru"])
    here = StaffFactory(madrasah=madrasah, nip=elsewhere.staff.nip, birth_date=elsewhere.staff.birth_date)
    client.force_login(operator.user)
    client.post(f"/pegawai/{here.pk}/akun/", {"roles": ["guru"]})
    assert Membership.objects.filter(user=elsewhere.user).count() == 1  # invited, not linked
    client.force_login(elsewhere.user)
    invitation = client.get("/akun/saya/").context["invitations"][0]
    client.post(f"/akun/undangan/{invitation.pk}/terima/")
    assert Membership.objects.filter(user=elsewhere.user).count() == 2
    assert Membership.objects.get(user=elsewhere.user, madrasah=madrasah).staff == here
    elsewhere.user.refresh_from_db()
    assert elsewhere.user.check_password("rahasia-123")


def test_a_user_with_two_madrasah_chooses_one_at_login(client, madrasah, other_madrasah):
    from tests.factories.madrasah import member

    first = member(madrasah=madrasah, roles=["pengawas"], username="196805101994031004")
    second = Membership.objects.create(user=first.user, madrasah=other_madrasah)
    second.roles.create(role="pengawas")
    response = post_login(client, first.user.username, "rahasia-123")
    response = client.get(response.url)
    assert response.status_code == 302
    assert response.url == reverse("madrasah:choose-madrasah")
    client.post(reverse("madrasah:choose-madrasah"), {"membership": second.pk})
    page = client.get("/beranda/pengawas/")
    assert page.context["current_madrasah"] == other_madrasah


@pytest.mark.parametrize("persona", ["guru", "waka", "pengawas"])
def test_only_the_operator_and_kepala_reset_passwords(client, request, persona, guru_lain):
    membership = request.getfixturevalue(persona)
    client.force_login(membership.user)
    assert client.post(f"/pegawai/{guru_lain.staff_id}/reset-sandi/").status_code in (403, 404)
    guru_lain.user.refresh_from_db()
    assert guru_lain.user.check_password("rahasia-123")


def test_admin_is_for_superusers_only(client, kepala, operator):
    for membership in (kepala, operator):
        membership.user.is_staff = True
        membership.user.save()
        client.force_login(membership.user)
        assert client.get("/admin/").status_code == 302
    superuser = User.objects.create_superuser("admin", password="rahasia-123")
    client.force_login(superuser)
    assert client.get("/admin/").status_code == 200


def test_pages_are_indonesian_even_for_an_english_browser(client):
    response = client.get(LOGIN, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="id">' in response.content.decode()
    assert "Masuk" in response.content.decode()


def test_the_language_switch_turns_english_on(client):
    client.post("/i18n/setlang/", {"language": "en", "next": LOGIN})
    response = client.get(LOGIN)
    assert '<html lang="en">' in response.content.decode()
    assert "Log in" in response.content.decode()


def test_behind_a_proxy_the_lockout_uses_the_forwarded_address(client, guru, settings):
    settings.AXES_IPWARE_PROXY_COUNT = 1
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            LOGIN,
            {"username": guru.user.username, "password": "salah"},
            REMOTE_ADDR="172.18.0.1",
            HTTP_X_FORWARDED_FOR="203.0.113.7",
        )
    locked = client.post(
        LOGIN,
        {"username": guru.user.username, "password": "rahasia-123"},
        REMOTE_ADDR="172.18.0.1",
        HTTP_X_FORWARDED_FOR="203.0.113.7",
    )
    assert locked.status_code == 429
    # The teacher at the madrasah, behind the same proxy but another address, still logs in.
    other = client.post(
        LOGIN,
        {"username": guru.user.username, "password": "rahasia-123"},
        REMOTE_ADDR="172.18.0.1",
        HTTP_X_FORWARDED_FOR="198.51.100.20",
    )
    assert other.status_code == 302


def _accounts_for(operator, teachers):
    from madrasah.accounts.services import account_save

    return [account_save(actor=operator, staff=teacher, roles=["guru"]) for teacher in teachers]


def _printable(page) -> list[str]:
    return [str(row["membership"].pk) for row in page.context["rows"] if row["refusal"] is None]


def test_the_operator_prints_the_ticked_first_login_slips_after_a_confirmation(client, operator, madrasah):
    teachers = StaffFactory.create_batch(3, madrasah=madrasah)
    _accounts_for(operator, teachers)
    client.force_login(operator.user)
    page = client.get("/akun/slip/")
    assert page.context["pending"] == 3
    assert not any(row["default"] for row in page.context["rows"])  # their slips were printed at creation
    confirm = client.post("/akun/slip/", {"membership": _printable(page)})
    assert confirm.context["count"] == 3 and confirm.context["replaced"] == 3
    assert "3 slip yang dicetak sebelumnya tidak berlaku lagi" in confirm.content.decode()
    response = client.post("/akun/slip/", {"membership": _printable(page), "confirm": "1"})
    slips = response.context["slips"]
    assert [s["username"] for s in slips] == [t.nip for t in sorted(teachers, key=lambda t: (t.name, t.pk))]
    client.logout()
    first = slips[0]
    assert post_login(client, first["username"], first["password"]).status_code == 302
    assert client.get("/").url == "/akun/sandi/"


def test_printing_again_invalidates_earlier_slips(client, operator, madrasah):
    teacher = StaffFactory(madrasah=madrasah)
    [(_membership, first_password, _invitation)] = _accounts_for(operator, [teacher])
    client.force_login(operator.user)
    page = client.get("/akun/slip/")
    slip = client.post("/akun/slip/", {"membership": _printable(page), "confirm": "1"}).context["slips"][0]
    assert slip["password"] != first_password
    client.logout()
    assert post_login(client, teacher.nip, first_password).status_code == 200
    assert post_login(client, teacher.nip, slip["password"]).status_code == 302


def test_logging_out_clears_what_the_phone_keeps(client, guru):
    client.force_login(guru.user)
    response = client.post("/keluar/")
    assert response["Clear-Site-Data"] == '"cache"'
    assert "_auth_user_id" not in client.session
