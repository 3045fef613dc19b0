"""The admin (/admin/) is for superusers only: it knows no madrasah scope and would show scores.

Anonymous visitors are sent to its login page; every persona of the product, including a Kepala or
an operator flagged `is_staff` and a staff account with no madrasah, is refused the same way (sent
back to the admin's login page, which shows no record); a superuser gets the pages.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from madrasah.models import User

PERSONAS = ("guru", "guru_lain", "waka", "kepala", "operator", "pengawas", "outsider")

# The index, change lists holding teachers' data and change pages of real records (name → args).
PAGES = {
    "admin:index": lambda guru: [],
    "admin:madrasah_staff_changelist": lambda guru: [],
    "admin:madrasah_staff_change": lambda guru: [guru.staff_id],
    "admin:madrasah_user_changelist": lambda guru: [],
    "admin:madrasah_user_change": lambda guru: [guru.user_id],
    "admin:madrasah_membership_changelist": lambda guru: [],
    "admin:madrasah_membership_change": lambda guru: [guru.pk],
    "admin:madrasah_madrasah_changelist": lambda guru: [],
    "admin:laporan_report_changelist": lambda guru: [],
    "admin:mutu_cycle_changelist": lambda guru: [],
}


@pytest.fixture
def urls(guru):
    return [reverse(name, args=args(guru)) for name, args in PAGES.items()]


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser("admin", password="rahasia-123")


def _refused(response) -> bool:
    return response.status_code == 302 and response.url.startswith(f"{reverse('admin:login')}?next=")


def test_anonymous_visitors_are_sent_to_the_admin_login(client, urls):
    for url in urls:
        assert _refused(client.get(url)), url


@pytest.mark.parametrize("persona", PERSONAS)
def test_it_refuses_every_persona_even_flagged_staff(persona, request, client, urls):
    membership = request.getfixturevalue(persona)
    membership.user.is_staff = True  # would open Django's default admin: ours asks for a superuser
    membership.user.save(update_fields=["is_staff"])
    client.force_login(membership.user)
    for url in urls:
        response = client.get(url)
        assert _refused(response), f"{persona} at {url}: {response.status_code}"
    # The login page it lands on names the persona's own account, and nobody else.
    someone_else = request.getfixturevalue("guru_lain" if persona == "guru" else "guru").staff
    shown = client.get(reverse("admin:madrasah_staff_changelist"), follow=True).content.decode()
    assert someone_else.nip not in shown
    assert someone_else.name not in shown


def test_it_refuses_a_staff_account_without_madrasah(client, urls):
    user = User.objects.create_user("staf-it", password="rahasia-123", is_staff=True)
    client.force_login(user)
    for url in urls:
        assert _refused(client.get(url)), url


def test_a_kepala_cannot_make_himself_superuser_through_it(client, kepala):
    kepala.user.is_staff = True
    kepala.user.save(update_fields=["is_staff"])
    client.force_login(kepala.user)
    response = client.post(
        reverse("admin:madrasah_user_change", args=[kepala.user_id]),
        {"username": kepala.user.username, "is_active": "on", "is_staff": "on", "is_superuser": "on"},
    )
    assert _refused(response)
    kepala.user.refresh_from_db()
    assert not kepala.user.is_superuser


def test_the_admin_login_form_refuses_a_persona_without_staff_flag(client, operator):
    response = client.post(
        reverse("admin:login"), {"username": operator.user.username, "password": "rahasia-123", "next": "/admin/"}
    )
    assert response.status_code == 200  # the form again, with its error
    assert "_auth_user_id" not in client.session


def test_a_superuser_gets_every_page(client, urls, superuser, guru):
    client.force_login(superuser)
    for url in urls:
        assert client.get(url).status_code == 200, url
    staff_list = client.get(reverse("admin:madrasah_staff_changelist")).content.decode()
    assert guru.staff.name in staff_list
