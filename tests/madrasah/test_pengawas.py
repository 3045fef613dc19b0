"""The pengawas added by the Kepala in the app (issue 17 item 3), never through the admin: a new account
with a first-login slip, or an invitation the owner of an existing account accepts; a teacher's NIP is
refused; the Kepala ends access; every change is an event. Only the Kepala reaches these pages."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from kompetensi.models import ProgrammeRow
from madrasah.models import AccountEvent, Invitation, Membership, User
from tests.factories import supervision
from tests.factories.madrasah import StaffFactory, member

# 10 May 1968, appointed March 1994, male: as printed on a decree, with spaces.
NIP_PRINTED = "19680510 199403 1 009"
NIP = "196805101994031009"
LIST = "/pengawas/"
ADD = "/pengawas/tambah/"


def add(client, nip=NIP_PRINTED, name="Dr. H. Abd. Rahman, M.Pd.I.", email=""):
    return client.post(ADD, {"nip": nip, "name": name, "email": email})


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def test_the_kepala_adds_a_new_pengawas_and_gets_the_slip(client, kepala, madrasah):
    client.force_login(kepala.user)
    response = add(client, email="Rahman@Kemenag.go.id")
    assert response.status_code == 200
    assert [s["username"] for s in response.context["slips"]] == [NIP]
    assert "Dr. H. Abd. Rahman, M.Pd.I." in response.content.decode()
    password = response.context["slips"][0]["password"]
    user = User.objects.get(username=NIP)
    assert user.first_name == "Dr. H. Abd. Rahman, M.Pd.I."
    assert user.email == "rahman@kemenag.go.id"
    assert user.must_change_password and user.check_password(password)
    membership = Membership.objects.get(user=user)
    assert membership.madrasah == madrasah and membership.staff is None and membership.is_active
    assert membership.role_set == {"pengawas"}
    event = AccountEvent.objects.get(user=user)
    assert (event.kind, event.actor, event.madrasah, event.data) == (
        "account_created",
        kepala.user,
        madrasah,
        {"added": ["pengawas"], "removed": []},
    )
    page = client.get(LIST).content.decode()
    assert "Dr. H. Abd. Rahman, M.Pd.I." in page and NIP in page


def test_the_new_pengawas_logs_in_with_the_slip_and_lands_on_the_pengawas_pages(client, kepala, madrasah):
    client.force_login(kepala.user)
    password = add(client).context["slips"][0]["password"]
    client.logout()
    response = client.post("/masuk/", {"username": NIP_PRINTED, "password": password}, REMOTE_ADDR="10.0.0.7")
    assert response.status_code == 302
    overview = client.get(reverse("laporan:pengawas-overview"), follow=True)
    assert overview.status_code == 200
    assert madrasah.name in overview.content.decode()


def test_an_existing_account_is_invited_never_linked(client, kepala, madrasah, other_madrasah):
    elsewhere = member(madrasah=other_madrasah, roles=["pengawas"], username=NIP)
    elsewhere.user.set_password("sandi-lama-123")
    elsewhere.user.save()
    client.force_login(kepala.user)
    response = add(client, email="someone@example.com")
    assert response.status_code == 302
    assert not Membership.objects.filter(user=elsewhere.user, madrasah=madrasah).exists()
    invitation = Invitation.objects.get(user=elsewhere.user, madrasah=madrasah)
    assert (invitation.status, invitation.staff, invitation.roles) == ("pending", None, ["pengawas"])
    elsewhere.user.refresh_from_db()
    assert elsewhere.user.check_password("sandi-lama-123") and elsewhere.user.email == ""
    page = client.get(LIST)
    assert "sudah ada" in " ".join(messages_of(page))
    assert NIP in page.content.decode()  # among the invitations waiting

    client.force_login(elsewhere.user)
    client.post(reverse("madrasah:invitation-accept", args=[invitation.pk]))
    joined = Membership.objects.get(user=elsewhere.user, madrasah=madrasah)
    assert joined.is_active and joined.staff is None and joined.role_set == {"pengawas"}


def test_a_nip_of_a_teacher_here_is_refused_and_nothing_is_written(client, kepala, guru):
    client.force_login(kepala.user)
    users, events = User.objects.count(), AccountEvent.objects.count()
    response = add(client, nip=guru.staff.nip)
    assert response.status_code == 400
    assert response.context["form"].errors["nip"] == [
        "NIP ini milik guru atau pegawai madrasah ini: pengawas mengawasi madrasah dari luar. Periksa NIP-nya."
    ]
    assert (User.objects.count(), AccountEvent.objects.count()) == (users, events)
    assert not Invitation.objects.exists()


def test_a_nip_of_an_inactive_staff_member_here_is_refused_too(client, kepala, madrasah):
    staff = StaffFactory(madrasah=madrasah, nip=NIP, birth_date=dt.date(1968, 5, 10), sex="L", is_active=False)
    client.force_login(kepala.user)
    assert add(client, nip=staff.nip).status_code == 400
    assert not User.objects.filter(username=NIP).exists()


@pytest.mark.parametrize(
    ("nip", "message"),
    [
        ("12345", "NIP harus 18 digit (sekarang 5)."),
        ("19681310 199403 1 009", "NIP: tanggal lahir 19681310 (digit 1-8) bukan tanggal yang ada."),
    ],
)
def test_a_malformed_nip_is_refused(client, kepala, nip, message):
    client.force_login(kepala.user)
    response = add(client, nip=nip)
    assert response.status_code == 400
    assert response.context["form"].errors["nip"] == [message]
    assert not AccountEvent.objects.exists()


def test_the_installation_administrators_nip_is_refused(client, kepala):
    User.objects.create_superuser(username=NIP, password="x-very-secret-1")
    client.force_login(kepala.user)
    response = add(client)
    assert response.status_code == 400
    assert "administrator instalasi" in " ".join(response.context["form"].non_field_errors())
    assert not Invitation.objects.exists()


def test_the_kepala_ends_access_and_it_is_recorded(client, kepala, pengawas, madrasah):
    client.force_login(kepala.user)
    response = client.post(reverse("madrasah:pengawas-end", args=[pengawas.pk]), follow=True)
    assert response.status_code == 200
    pengawas.refresh_from_db()
    assert not pengawas.is_active
    assert pengawas.role_set == {"pengawas"}  # kept for the history; the membership is closed
    event = AccountEvent.objects.get(user=pengawas.user)
    assert (event.kind, event.actor, event.madrasah) == ("deactivated", kepala.user, madrasah)
    assert pengawas.user.username not in response.content.decode().split("Undangan")[0]
    client.force_login(pengawas.user)
    assert client.get(reverse("laporan:pengawas-madrasah", args=[madrasah.pk])).status_code in (302, 403, 404)
    # Ending twice: the pengawas is no longer listed.
    client.force_login(kepala.user)
    assert client.post(reverse("madrasah:pengawas-end", args=[pengawas.pk])).status_code == 404


def test_a_former_pengawas_is_invited_again_and_their_acceptance_reopens_access(client, kepala, pengawas, madrasah):
    client.force_login(kepala.user)
    client.post(reverse("madrasah:pengawas-end", args=[pengawas.pk]))
    response = client.post(ADD, {"nip": pengawas.user.username, "name": "Abd. Rahman"})
    assert response.status_code == 302
    invitation = Invitation.objects.get(user=pengawas.user, status="pending")
    client.force_login(pengawas.user)
    client.post(reverse("madrasah:invitation-accept", args=[invitation.pk]))
    pengawas.refresh_from_db()
    assert pengawas.is_active and pengawas.role_set == {"pengawas"}


def test_the_kepala_withdraws_a_pending_invitation(client, kepala, madrasah, other_madrasah):
    elsewhere = member(madrasah=other_madrasah, roles=["pengawas"], username=NIP)
    client.force_login(kepala.user)
    add(client)
    invitation = Invitation.objects.get(user=elsewhere.user)
    client.post(reverse("madrasah:pengawas-invitation-withdraw", args=[invitation.pk]))
    invitation.refresh_from_db()
    assert invitation.status == "withdrawn"
    assert AccountEvent.objects.filter(kind="invitation_withdrawn", user=elsewhere.user).exists()


def test_an_account_already_pengawas_here_is_refused(client, kepala, pengawas):
    client.force_login(kepala.user)
    response = add(client, nip=pengawas.user.username)
    assert response.status_code == 400
    assert "sudah dipakai di madrasah ini" in " ".join(response.context["form"].non_field_errors())


WIB = ZoneInfo("Asia/Jakarta")


def test_the_kepalas_supervision_goes_to_a_pengawas_added_here(client, madrasah, kepala, waka):
    """The Kepala is supervised by the pengawas (docs/domain.md §7): one added on this page is offered and
    taken as the Kepala's supervisor, as the demo's pengawas is, and reads the approved programme."""
    with time_machine.travel(dt.datetime(2026, 7, 6, 8, 0, tzinfo=WIB), tick=False):
        client.force_login(kepala.user)
        add(client)
        new_pengawas = Membership.objects.get(user__username=NIP)
        semester = supervision.active_semester(madrasah)
        version = supervision.supervision_version(madrasah=madrasah, academic_year=semester.academic_year)
        supervision.team(madrasah=madrasah, members=[waka])
        programme = supervision.programme(madrasah=madrasah, created_by=waka)
        client.force_login(waka.user)
        response = client.post(
            reverse("kompetensi:programme-row-create", args=[programme.pk]),
            {
                "teacher": kepala.staff_id,
                "supervisor": new_pengawas.user_id,
                "planned_at_0": "2026-07-20",
                "planned_at_1": "07:30",
                "instruments": [version.pk],
                "class_name": "IX-A",
                "subject": "",
            },
        )
        assert response.status_code == 302
        assert ProgrammeRow.objects.get().supervisor_id == new_pengawas.user_id
        User.objects.filter(pk=new_pengawas.user_id).update(must_change_password=False)  # chose their own
        client.force_login(new_pengawas.user)
        detail = client.get(reverse("kompetensi:programme-detail", args=[programme.pk]))
        assert detail.status_code == 200
        assert kepala.staff.full_name in detail.content.decode()


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("guru", 403),
        ("guru_lain", 403),
        ("waka", 403),
        ("operator", 403),
        ("pengawas", 403),
        ("kepala", 200),
        ("outsider", 200),  # the Kepala of another madrasah: their own madrasah's page
    ],
)
def test_the_pages_are_the_kepalas(request, client, persona, status):
    membership = request.getfixturevalue(persona)
    client.force_login(membership.user)
    assert client.get(LIST).status_code == status
    assert client.get(ADD).status_code == status
    before = User.objects.count()
    response = add(client)
    assert response.status_code == (403 if status == 403 else 200)
    assert User.objects.count() == before + (0 if status == 403 else 1)


def test_anonymous_goes_to_the_login_page(client):
    assert client.get(LIST).status_code == 302
    assert client.post(ADD, {"nip": NIP}).status_code == 302
    assert not User.objects.filter(username=NIP).exists()


def test_another_madrasahs_kepala_cannot_end_our_pengawas_or_see_it(client, outsider, pengawas, madrasah):
    client.force_login(outsider.user)
    assert pengawas.user.username not in client.get(LIST).content.decode()
    assert client.post(reverse("madrasah:pengawas-end", args=[pengawas.pk])).status_code == 404
    pengawas.refresh_from_db()
    assert pengawas.is_active


def test_another_madrasahs_kepala_cannot_withdraw_our_invitation(client, kepala, outsider, other_madrasah):
    third = member(madrasah=other_madrasah, roles=["guru"])
    client.force_login(kepala.user)
    add(client, nip=third.user.username)
    invitation = Invitation.objects.get(user=third.user)
    client.force_login(outsider.user)
    response = client.post(reverse("madrasah:pengawas-invitation-withdraw", args=[invitation.pk]))
    assert response.status_code == 404
    invitation.refresh_from_db()
    assert invitation.status == "pending"


def test_the_waka_cannot_end_a_pengawas(client, waka, pengawas):
    client.force_login(waka.user)
    assert client.post(reverse("madrasah:pengawas-end", args=[pengawas.pk])).status_code == 403
    pengawas.refresh_from_db()
    assert pengawas.is_active
