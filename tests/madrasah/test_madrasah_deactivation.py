"""The installation administrator takes a madrasah off the installation (it left the district office's
installation, merged or closed) and brings it back: through the installation page or the command,
never by the madrasah's own Kepala or operator. Its members then meet one clear page instead of its
data; their other madrasah stay theirs; nothing is deleted."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from madrasah.middleware import SESSION_KEY
from madrasah.models import AccountEvent, AccountEventKind, Madrasah, Membership, MembershipRole, Staff, User

INSTALLATION = reverse("madrasah:installation")
INACTIVE_TEXT = "tidak aktif di instalasi ini"


def status_url(madrasah: Madrasah) -> str:
    return reverse("madrasah:installation-madrasah-status", args=[madrasah.pk])


@pytest.fixture
def administrator(db) -> User:
    return User.objects.create_superuser("admin-kabupaten", password="rahasia-123")  # noqa: S106


@pytest.fixture
def admin_client(administrator):
    """The administrator's own browser, beside the member's `client`."""
    client = Client()
    client.force_login(administrator)
    return client


def deactivate(client, madrasah: Madrasah):
    return client.post(status_url(madrasah), {"action": "deactivate"})


@pytest.mark.django_db
def test_the_administrator_deactivates_a_madrasah_and_it_is_recorded(admin_client, administrator, madrasah):
    page = admin_client.get(INSTALLATION).content.decode()
    assert status_url(madrasah) in page and "Aktif" in page
    assert "Nonaktifkan madrasah ini" in admin_client.get(status_url(madrasah)).content.decode()

    response = deactivate(admin_client, madrasah)
    assert response.status_code == 302 and response["Location"] == INSTALLATION
    madrasah.refresh_from_db()
    assert not madrasah.is_active and madrasah.deactivated_by == administrator and madrasah.deactivated_at
    event = AccountEvent.objects.get(kind=AccountEventKind.MADRASAH_DEACTIVATED)
    assert (event.actor, event.madrasah) == (administrator, madrasah)
    assert (
        "Madrasah dinonaktifkan di instalasi ini"
        in admin_client.get(reverse("madrasah:installation-events")).content.decode()
    )
    assert "Nonaktif" in admin_client.get(INSTALLATION).content.decode()
    assert 'data-testid="madrasah-inactive"' in admin_client.get(status_url(madrasah)).content.decode()

    deactivate(admin_client, madrasah)  # a second press changes nothing and records nothing
    assert AccountEvent.objects.filter(kind=AccountEventKind.MADRASAH_DEACTIVATED).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("action", ["", "delete", "=1+1", "x" * 5000])
def test_a_hostile_action_changes_nothing(admin_client, madrasah, action):
    response = admin_client.post(status_url(madrasah), {"action": action})
    assert response.status_code == 400
    assert "Permintaan tidak dipahami: tidak ada yang diubah." in response.content.decode()
    madrasah.refresh_from_db()
    assert madrasah.is_active and not AccountEvent.objects.exists()


@pytest.mark.django_db
def test_an_unknown_madrasah_is_not_found(admin_client):
    assert (
        admin_client.post(
            reverse("madrasah:installation-madrasah-status", args=[10**19]), {"action": "deactivate"}
        ).status_code
        == 404
    )


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["kepala", "operator", "guru", "pengawas", "outsider"])
def test_no_member_deactivates_a_madrasah_not_even_its_own_kepala(request, client, madrasah, persona):
    membership = request.getfixturevalue(persona)
    membership.user.is_superuser = persona == "kepala"  # a superuser who is a member is no administrator
    membership.user.save()
    client.force_login(membership.user)
    assert client.get(status_url(madrasah)).status_code == 403
    assert deactivate(client, madrasah).status_code == 403
    madrasah.refresh_from_db()
    assert madrasah.is_active and madrasah.deactivated_at is None


@pytest.mark.django_db
def test_members_of_a_deactivated_madrasah_meet_one_clear_page_and_write_nothing(
    admin_client, client, madrasah, kepala, operator, guru
):
    deactivate(admin_client, madrasah)
    for membership, urls in (
        (kepala, [reverse("madrasah:home"), reverse("madrasah:home-kepala"), reverse("laporan:dashboard")]),
        (operator, [reverse("madrasah:staff-list"), reverse("madrasah:semester-list")]),
        (guru, [reverse("madrasah:home-guru"), reverse("madrasah:staff-detail", args=[guru.staff_id])]),
    ):
        client.force_login(membership.user)
        for url in urls:
            response = client.get(url, follow=True)
            html = response.content.decode()
            assert response.status_code == 403, url
            assert INACTIVE_TEXT in html and madrasah.name in html, url
            assert guru.staff.name not in html, url  # no data of the madrasah
    client.force_login(operator.user)
    before = Staff.objects.count()
    response = client.post(reverse("madrasah:staff-create"), {"name": "Budi Santoso", "nip": "198001012005011001"})
    assert response.status_code == 403 and INACTIVE_TEXT in response.content.decode()
    assert Staff.objects.count() == before


@pytest.mark.django_db
def test_a_member_of_another_madrasah_too_keeps_that_one(admin_client, client, madrasah, other_madrasah, guru):
    elsewhere = Membership.objects.create(user=guru.user, madrasah=other_madrasah)
    MembershipRole.objects.create(membership=elsewhere, role="guru")
    client.force_login(guru.user)
    session = client.session
    session[SESSION_KEY] = guru.pk  # working in the madrasah about to be deactivated
    session.save()

    assert deactivate(admin_client, madrasah).status_code == 302
    response = client.get(reverse("madrasah:home"), follow=True)
    assert response.status_code == 200 and response.redirect_chain[-1][0] == reverse("madrasah:home-guru")
    assert response.context["membership"] == elsewhere
    assert INACTIVE_TEXT not in response.content.decode()
    choose = client.get(reverse("madrasah:choose-madrasah")).content.decode()
    assert other_madrasah.name in choose and madrasah.name not in choose


@pytest.mark.django_db
def test_reactivation_restores_everything(admin_client, client, madrasah, kepala, guru):
    deactivate(admin_client, madrasah)
    response = admin_client.post(status_url(madrasah), {"action": "reactivate"})
    assert response.status_code == 302
    madrasah.refresh_from_db()
    assert madrasah.is_active and madrasah.deactivated_at is None and madrasah.deactivated_by is None
    assert AccountEvent.objects.filter(kind=AccountEventKind.MADRASAH_REACTIVATED, madrasah=madrasah).count() == 1
    client.force_login(kepala.user)
    assert client.get(reverse("madrasah:home"), follow=True).redirect_chain[-1][0] == reverse("madrasah:home-kepala")
    assert guru.staff.name in client.get(reverse("madrasah:staff-list")).content.decode()
    assert set(kepala.roles.values_list("role", flat=True)) == {"kepala", "guru"}


@pytest.mark.django_db
def test_deactivating_deletes_nothing(admin_client, madrasah, kepala, guru, operator):
    counts = (
        Staff.objects.filter(madrasah=madrasah).count(),
        Membership.objects.filter(madrasah=madrasah, is_active=True).count(),
    )
    deactivate(admin_client, madrasah)
    assert (
        Staff.objects.filter(madrasah=madrasah).count(),
        Membership.objects.filter(madrasah=madrasah, is_active=True).count(),
    ) == counts


@pytest.mark.django_db
def test_the_command_deactivates_and_reactivates_by_nsm(madrasah):
    out = io.StringIO()
    call_command("madrasah_active", madrasah.nsm, "--deactivate", stdout=out)
    madrasah.refresh_from_db()
    assert not madrasah.is_active and madrasah.deactivated_by is None and madrasah.deactivated_at
    assert madrasah.name in out.getvalue()
    call_command("madrasah_active", madrasah.nsm, "--reactivate", stdout=out)
    madrasah.refresh_from_db()
    assert madrasah.is_active
    with pytest.raises(CommandError, match="99999"):
        call_command("madrasah_active", "99999", "--deactivate", stdout=out)
