"""Accounts are a trust boundary: control follows the account's memberships, never a typed NIP; roles
are given by the table of madrasah.accounts.rules; every change is an event the Kepala and the person see.

Each test is an attack that worked before (issue: account takeover across madrasah, self-promotion) or
the rule that stops it.
"""

import datetime as dt

import pytest

from madrasah.models import AccountEvent, HeadAppointment, Invitation, Membership, User
from tests.factories.madrasah import StaffFactory, member

LOGIN = "/masuk/"


def post_login(client, username, password):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR="10.0.0.9")


@pytest.fixture
def operator_b(other_madrasah):
    """The operator of another madrasah: hostile."""
    staff = StaffFactory(
        madrasah=other_madrasah, teacher_type="none", employment_status="honorer", nip="", peg_id="99887766"
    )
    return member(madrasah=other_madrasah, roles=["operator"], staff=staff)


@pytest.fixture
def two_madrasah_teacher(madrasah, other_madrasah):
    """A teacher with a login at our madrasah and at the other one (both memberships active)."""
    here = member(madrasah=madrasah, roles=["guru"])
    there_staff = StaffFactory(madrasah=other_madrasah, nip=here.staff.nip, birth_date=here.staff.birth_date)
    there = Membership.objects.create(user=here.user, madrasah=other_madrasah, staff=there_staff)
    there.roles.create(role="guru")
    return here


def roles_of(membership) -> set[str]:
    return set(membership.roles.values_list("role", flat=True))


# --- account takeover across madrasah -------------------------------------------------------------


def test_another_madrasahs_operator_cannot_take_over_our_kepala_by_typing_the_nip(client, kepala, operator_b):
    """Madrasah B records a person with our Kepala's NIP and asks for an account: B gets an invitation
    that only our Kepala can accept, no link, no slip, no reset; our Kepala's password still works."""
    fake = StaffFactory(madrasah=operator_b.madrasah, nip=kepala.staff.nip, birth_date=kepala.staff.birth_date)
    client.force_login(operator_b.user)

    response = client.post(f"/pegawai/{fake.pk}/akun/", {"roles": ["guru"]}, follow=True)

    assert "slips" not in response.context
    assert "sudah ada" in response.content.decode()  # told why, in Indonesian
    assert list(Membership.objects.filter(user=kepala.user)) == [kepala]
    assert Invitation.objects.get(user=kepala.user).status == "pending"
    assert client.post(f"/pegawai/{fake.pk}/reset-sandi/").status_code == 404  # no login of theirs here
    client.logout()
    assert post_login(client, kepala.user.username, "rahasia-123").status_code == 302


def test_an_account_of_two_madrasah_is_not_reset_unlocked_or_slipped_by_either(
    client, two_madrasah_teacher, operator, settings
):
    client.force_login(operator.user)

    reset = client.post(f"/pegawai/{two_madrasah_teacher.staff_id}/reset-sandi/")
    assert reset.status_code == 403
    assert "madrasah lain" in reset.content.decode()
    two_madrasah_teacher.user.refresh_from_db()
    assert two_madrasah_teacher.user.check_password("rahasia-123")

    page = client.get(f"/pegawai/{two_madrasah_teacher.staff_id}/")
    assert page.context["control_refusal"]
    assert f"/pegawai/{two_madrasah_teacher.staff_id}/reset-sandi/" not in page.content.decode()

    unlock = client.post("/akun/terkunci/buka/", {"username": two_madrasah_teacher.user.username}, follow=True)
    assert "madrasah lain" in unlock.content.decode()
    assert not AccountEvent.objects.filter(kind="unlocked").exists()


def test_an_invited_person_joins_only_by_accepting_with_their_own_password(client, operator, madrasah, outsider):
    here = StaffFactory(madrasah=madrasah, nip=outsider.staff.nip, birth_date=outsider.staff.birth_date)
    client.force_login(operator.user)
    client.post(f"/pegawai/{here.pk}/akun/", {"roles": ["guru"]})
    invitation = Invitation.objects.get(user=outsider.user)

    client.force_login(operator.user)  # the operator cannot answer for the invitee
    assert client.post(f"/akun/undangan/{invitation.pk}/terima/").status_code == 404

    client.force_login(outsider.user)
    page = client.get("/akun/saya/")
    assert madrasah.name in page.content.decode()
    client.post(f"/akun/undangan/{invitation.pk}/terima/")
    joined = Membership.objects.get(user=outsider.user, madrasah=madrasah)
    assert joined.staff == here and roles_of(joined) == {"guru"}
    assert client.post(f"/akun/undangan/{invitation.pk}/terima/").status_code == 302  # answered once only
    assert Membership.objects.filter(user=outsider.user).count() == 2


def test_a_declined_invitation_links_nothing(client, operator, madrasah, outsider):
    here = StaffFactory(madrasah=madrasah, nip=outsider.staff.nip, birth_date=outsider.staff.birth_date)
    client.force_login(operator.user)
    client.post(f"/pegawai/{here.pk}/akun/", {"roles": ["guru"]})
    invitation = Invitation.objects.get(user=outsider.user)
    client.force_login(outsider.user)
    client.post(f"/akun/undangan/{invitation.pk}/tolak/")
    assert not Membership.objects.filter(user=outsider.user, madrasah=madrasah).exists()
    assert AccountEvent.objects.filter(kind="invitation_declined", madrasah=madrasah).count() == 1


# --- who grants what ------------------------------------------------------------------------------


def test_the_operator_cannot_give_themself_the_kepala_role(client, operator):
    client.force_login(operator.user)
    response = client.post(f"/pegawai/{operator.staff_id}/akun/", {"roles": ["operator", "kepala"]}, follow=True)
    assert "sendiri" in response.content.decode()
    assert roles_of(operator) == {"operator"}
    assert client.get("/log-akses-data/").status_code == 403


def test_the_operator_cannot_give_anyone_the_kepala_or_waka_role(client, operator, guru):
    client.force_login(operator.user)
    client.post(f"/pegawai/{guru.staff_id}/akun/", {"roles": ["guru", "kepala"]})
    client.post(f"/pegawai/{guru.staff_id}/akun/", {"roles": ["guru", "waka"]})
    assert roles_of(guru) == {"guru"}
    assert not AccountEvent.objects.filter(kind="roles_changed").exists()


def test_the_operator_gives_the_operator_role_and_it_is_recorded(client, operator, guru, kepala):
    client.force_login(operator.user)
    client.post(f"/pegawai/{guru.staff_id}/akun/", {"roles": ["guru", "operator"]})
    assert roles_of(guru) == {"guru", "operator"}
    event = AccountEvent.objects.get(kind="roles_changed")
    assert (event.actor, event.user, event.data["added"]) == (operator.user, guru.user, ["operator"])

    client.force_login(kepala.user)
    history = client.get("/akun/riwayat/").content.decode()
    assert "Peran diberikan: Operator" in history
    client.force_login(guru.user)
    assert "Peran diberikan: Operator" in client.get("/akun/saya/").content.decode()


def test_the_operator_cannot_take_away_a_role_they_may_not_give(client, operator, waka):
    client.force_login(operator.user)
    client.post(f"/pegawai/{waka.staff_id}/akun/", {"roles": ["guru"]})
    assert roles_of(waka) == {"waka", "guru"}


def test_the_kepala_gives_the_waka_role_but_never_the_kepala_role(client, kepala, guru):
    client.force_login(kepala.user)
    client.post(f"/pegawai/{guru.staff_id}/akun/", {"roles": ["guru", "waka"]})
    assert roles_of(guru) == {"guru", "waka"}
    response = client.post(f"/pegawai/{guru.staff_id}/akun/", {"roles": ["guru", "waka", "kepala"]}, follow=True)
    assert "administrator instalasi" in response.content.decode()
    assert roles_of(guru) == {"guru", "waka"}


@pytest.mark.parametrize(
    ("actor", "target", "allowed"),
    [
        ("operator", "guru", True),
        ("operator", "waka", False),
        ("operator", "kepala", False),
        ("kepala", "waka", True),
        ("kepala", "operator", True),
        ("kepala", "kepala", False),  # their own: the password page
        ("waka", "guru", False),
    ],
)
def test_nobody_resets_the_password_of_a_role_above_their_own(client, request, actor, target, allowed):
    actor_membership = request.getfixturevalue(actor)
    target_membership = request.getfixturevalue(target)
    client.force_login(actor_membership.user)
    response = client.post(f"/pegawai/{target_membership.staff_id}/reset-sandi/")
    target_membership.user.refresh_from_db()
    assert response.status_code == (200 if allowed else 403)
    assert target_membership.user.check_password("rahasia-123") is not allowed
    assert AccountEvent.objects.filter(kind="password_reset").exists() is allowed


# --- slips ----------------------------------------------------------------------------------------


def test_slips_never_include_the_person_printing_or_the_kepala_silently(client, madrasah, operator):
    from madrasah.accounts.services import account_save

    kepala = member(madrasah=madrasah, roles=["kepala", "guru"])
    teacher = StaffFactory(madrasah=madrasah)
    account_save(actor=operator, staff=teacher, roles=["guru"])
    for membership in (kepala, operator):
        membership.user.last_login = None
        membership.user.save()
    client.force_login(operator.user)
    User.objects.filter(pk=operator.user.pk).update(last_login=None)  # force_login set it

    rows = {row["membership"].user_id: row for row in client.get("/akun/slip/").context["rows"]}

    assert rows[teacher.membership.user_id]["default"] is False  # its slip was printed at creation
    assert rows[teacher.membership.user_id]["refusal"] is None
    assert rows[operator.user_id]["default"] is False and rows[operator.user_id]["refusal"]
    assert rows[kepala.user_id]["default"] is False and rows[kepala.user_id]["refusal"]  # above the operator
    client.post("/akun/slip/", {"membership": [str(kepala.pk), str(operator.pk)], "confirm": "1"})
    kepala.user.refresh_from_db()
    assert kepala.user.check_password("rahasia-123")


# --- the installation administrator ---------------------------------------------------------------


@pytest.fixture
def administrator(db):
    return User.objects.create_superuser("admin", password="rahasia-123")


def test_the_administrator_lands_on_the_installation_page_not_a_403(client, administrator, madrasah):
    client.force_login(administrator)
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0] == "/instalasi/"
    assert madrasah.name in response.content.decode()
    assert client.get("/beranda/kepala/").url == "/instalasi/"  # no scores: no madrasah pages


def test_the_administrator_recovers_a_kepala_who_lost_the_password(client, administrator, kepala):
    client.force_login(administrator)
    found = client.get("/instalasi/akun/", {"q": kepala.user.username})
    assert [u.pk for u in found.context["users"]] == [kepala.user.pk]
    slip = client.post(f"/instalasi/akun/{kepala.user.pk}/reset-sandi/")
    password = slip.context["slips"][0]["password"]
    kepala.user.refresh_from_db()
    assert kepala.user.check_password(password) and kepala.user.must_change_password
    event = AccountEvent.objects.get(kind="password_reset")
    assert (event.actor, event.user) == (administrator, kepala.user)
    assert "Administrator instalasi" in client.get("/instalasi/riwayat/").content.decode()


def test_the_administrator_appoints_a_plt_kepala_by_decree_and_the_previous_keeps_history(
    client, administrator, kepala, waka, madrasah
):
    HeadAppointment.objects.create(
        madrasah=madrasah,
        staff=kepala.staff,
        decree_number="B-1/2020",
        decree_date=dt.date(2020, 1, 2),
        starts_on=dt.date(2020, 1, 6),
    )
    client.force_login(administrator)
    response = client.post(
        f"/instalasi/madrasah/{madrasah.pk}/kepala/",
        {
            "staff": waka.staff_id,
            "acting": "on",
            "decree_number": "B-417/Kw.13.28/KP.07.6/11/2026",
            "decree_date": "2026-11-30",
            "starts_on": "2026-12-01",
        },
    )
    assert response.status_code == 302
    assert roles_of(waka) == {"waka", "guru", "kepala"}
    assert roles_of(kepala) == {"guru"}
    previous, current = HeadAppointment.objects.order_by("starts_on")
    assert previous.ended_on == dt.date(2026, 11, 30)
    assert current.acting and current.decree_number == "B-417/Kw.13.28/KP.07.6/11/2026"
    client.force_login(waka.user)
    mine = client.get("/akun/saya/").content.decode()
    assert "B-417/Kw.13.28/KP.07.6/11/2026" in mine


def test_a_madrasah_member_is_not_the_installation_administrator(client, kepala):
    kepala.user.is_superuser = True
    kepala.user.save()
    client.force_login(kepala.user)
    assert client.get("/instalasi/").status_code == 403


# --- staff records: version token and history -----------------------------------------------------


def _staff_form_data(page) -> dict:
    form = page.context["form"]
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None:
            continue
        data[name] = [str(v) for v in value] if isinstance(value, list) else str(value)
    return data


def test_an_old_copy_of_a_staff_record_does_not_overwrite_a_newer_one(client, operator, kepala, guru):
    """The operator's laptop and the Kepala's phone open the same record; the phone saves first."""
    url = f"/pegawai/{guru.staff_id}/ubah/"
    client.force_login(operator.user)
    laptop = _staff_form_data(client.get(url))
    client.force_login(kepala.user)
    phone = _staff_form_data(client.get(url))

    assert client.post(url, {**phone, "extra_duties": "Wali Kelas VII-A"}).status_code == 302
    client.force_login(operator.user)
    refused = client.post(url, {**laptop, "extra_duties": "Pembina OSIS"})

    assert refused.status_code == 409
    guru.staff.refresh_from_db()
    assert guru.staff.extra_duties == "Wali Kelas VII-A"
    body = refused.content.decode()
    assert "Wali Kelas VII-A" in body and "Pembina OSIS" in body  # both versions, side by side
    # Saving again from the refused form (now based on the stored version) is a deliberate choice.
    again = _staff_form_data(refused)
    assert client.post(url, again).status_code == 302
    guru.staff.refresh_from_db()
    assert guru.staff.extra_duties == "Pembina OSIS"


def test_staff_edits_are_recorded_in_the_persons_history(client, operator, kepala, guru):
    url = f"/pegawai/{guru.staff_id}/ubah/"
    client.force_login(operator.user)
    data = _staff_form_data(client.get(url))
    client.post(url, {**data, "extra_duties": "Pembina Pramuka"})
    client.post(f"/pegawai/{guru.staff_id}/status/", {"active": "0"})

    event = AccountEvent.objects.get(kind="staff_updated")
    assert event.actor == operator.user and event.data["changes"]["extra_duties"][1] == "Pembina Pramuka"
    client.force_login(kepala.user)
    history = client.get(f"/pegawai/{guru.staff_id}/").content.decode()
    assert "Pembina Pramuka" in history and "Dinonaktifkan" in history


def test_a_teacher_of_the_madrasah_is_not_made_its_pengawas_on_the_staff_page(client, kepala, guru):
    client.force_login(kepala.user)
    page = client.get(f"/pegawai/{guru.staff_id}/")
    assert "pengawas" not in [value for value, _label in page.context["account_form"].fields["roles"].choices]
    response = client.post(f"/pegawai/{guru.staff_id}/akun/", {"roles": ["guru", "pengawas"]})
    assert response.status_code == 403
    assert "halaman pengawas" in response.content.decode()
    assert roles_of(guru) == {"guru"}
