"""The Kepala's first steps on the dashboard: name the Waka Kurikulum and add the pengawas, through HTTP,
offered until done, by the same rules as the roles page and the pengawas page."""

import pytest
from django.urls import reverse

from madrasah.models import AccountEvent, Membership, Role
from tests.factories.madrasah import member

pytestmark = pytest.mark.django_db

WAKA_ASSIGN = reverse("madrasah:home-waka-assign")
HOME = reverse("madrasah:home-kepala")


@pytest.fixture
def new_madrasah(kepala):
    """A madrasah whose Kepala has named no Waka and added no pengawas yet."""
    Membership.objects.filter(madrasah=kepala.madrasah, roles__role__in=[Role.WAKA, Role.PENGAWAS]).exclude(
        pk=kepala.pk
    ).delete()
    return kepala.madrasah


def test_a_new_madrasah_dashboard_offers_the_waka_and_the_pengawas(client, kepala, guru, new_madrasah):
    client.force_login(kepala.user)
    page = client.get(HOME)
    body = page.content.decode()
    assert 'data-testid="first-steps"' in body
    choices = [label for _value, label in page.context["waka_form"].fields["membership"].choices]
    assert guru.staff.full_name in choices
    assert kepala.staff.full_name not in choices  # the Kepala does not name themself
    assert f'action="{reverse("madrasah:pengawas-create")}"' in body


def test_naming_the_waka_adds_the_role_keeps_the_others_and_is_recorded(client, kepala, guru, new_madrasah):
    client.force_login(kepala.user)
    response = client.post(WAKA_ASSIGN, {"membership": guru.pk})
    assert response.status_code == 302 and response.url == HOME
    guru.refresh_from_db()
    assert guru.role_set == {Role.GURU, Role.WAKA}
    assert AccountEvent.objects.filter(user=guru.user, actor=kepala.user).exists()
    page = client.get(HOME)
    assert page.context["waka_form"] is None  # done: the step is no longer offered
    assert "kini Waka Kurikulum" in page.content.decode()


@pytest.mark.parametrize("value", ["", "abc", "99999999999999999999", "-1"])
def test_a_wrong_choice_is_a_field_error_and_nothing_changes(client, kepala, guru, new_madrasah, value):
    client.force_login(kepala.user)
    response = client.post(WAKA_ASSIGN, {"membership": value})
    assert response.status_code == 400
    assert response.context["waka_form"].errors["membership"]
    assert not Membership.objects.filter(madrasah=new_madrasah, roles__role=Role.WAKA).exists()


def test_a_teacher_of_another_madrasah_cannot_be_named(client, kepala, new_madrasah, outsider):
    stranger = member(madrasah=outsider.madrasah, roles=["guru"])
    client.force_login(kepala.user)
    response = client.post(WAKA_ASSIGN, {"membership": stranger.pk})
    assert response.status_code == 400
    assert Role.WAKA not in stranger.role_set


def test_the_kepala_cannot_name_themself(client, kepala, new_madrasah):
    client.force_login(kepala.user)
    response = client.post(WAKA_ASSIGN, {"membership": kepala.pk})
    assert response.status_code == 400
    assert Role.WAKA not in kepala.role_set


def test_adding_the_pengawas_from_the_dashboard_gives_the_slip_and_the_step_goes(client, kepala, new_madrasah):
    client.force_login(kepala.user)
    response = client.post(
        reverse("madrasah:pengawas-create"), {"nip": "19680510 199403 1 004", "name": "Dr. H. Abd. Rahman, M.Pd.I."}
    )
    assert response.status_code == 200 and response.context["slips"][0]["username"] == "196805101994031004"
    assert client.get(HOME).context["pengawas_form"] is None


def test_the_first_steps_are_gone_once_done(client, kepala, waka, pengawas):
    client.force_login(kepala.user)
    assert 'data-testid="first-steps"' not in client.get(HOME).content.decode()
