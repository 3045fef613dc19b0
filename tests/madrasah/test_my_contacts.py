"""On "Akun saya" a person gives their own email (for notices) and WhatsApp number (for reminder links),
both optional; the notices and the links then use them."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from kompetensi.growth.notices import APPRECIATION
from madrasah.models import User
from madrasah.notifications import notification_create

MY_ACCOUNT = "/akun/saya/"


def test_the_page_states_what_each_contact_is_for(login, guru):
    page = login(guru).get(MY_ACCOUNT).content.decode()
    assert "Pemberitahuan aplikasi (hasil, permintaan, pengingat) dikirim ke alamat ini." in page
    assert "Tautan pengingat yang dikirim rekan melalui WhatsApp langsung membuka obrolan dengan nomor ini." in page


@pytest.mark.parametrize("typed", ["0812-3456-7890", "+62 812 3456 7890", "6281234567890", "0812.3456.7890"])
def test_a_teacher_saves_an_email_and_a_whatsapp_number(login, guru, typed):
    response = login(guru).post(MY_ACCOUNT, {"email": "Siti@Example.org", "whatsapp": typed}, follow=True)
    assert "Kontak Anda sudah disimpan." in response.content.decode()
    user = User.objects.get(pk=guru.user_id)
    assert (user.email, user.whatsapp) == ("siti@example.org", "6281234567890")


def test_both_contacts_may_be_left_empty(login, guru):
    guru.user.email, guru.user.whatsapp = "lama@example.org", "6281234567890"
    guru.user.save()
    login(guru).post(MY_ACCOUNT, {"email": "", "whatsapp": ""})
    user = User.objects.get(pk=guru.user_id)
    assert (user.email, user.whatsapp) == ("", "")


@pytest.mark.parametrize("typed", ["021 555 1234", "0812", "+1 202 555 0100", "08abc"])
def test_a_number_that_is_not_an_indonesian_mobile_is_refused(login, guru, typed):
    response = login(guru).post(MY_ACCOUNT, {"email": "", "whatsapp": typed})
    assert response.status_code == 200
    assert "Masukkan nomor HP Indonesia yang diawali 08 atau +628" in response.content.decode()
    assert User.objects.get(pk=guru.user_id).whatsapp == ""


def test_notices_go_to_the_email_given_on_my_account(login, guru, django_capture_on_commit_callbacks):
    login(guru).post(MY_ACCOUNT, {"email": "guru@example.org", "whatsapp": ""})
    with django_capture_on_commit_callbacks(execute=True):
        notification_create(user=guru.user_id, madrasah=guru.madrasah, kind=APPRECIATION)
    assert [message.to for message in mail.outbox] == [["guru@example.org"]]


@pytest.fixture
def submitted(madrasah, kepala, waka, guru):
    from tests.kompetensi.test_workflow import submitted_observation

    return submitted_observation(madrasah, kepala, waka, guru)


def test_the_supervisors_whatsapp_link_opens_a_chat_with_the_teacher(client, login, submitted, guru, waka):
    login(guru).post(MY_ACCOUNT, {"email": "", "whatsapp": "0812 3456 7890"})
    page = login(waka).get(submitted.get_absolute_url()).content.decode()
    assert re.search(r'href="https://wa\.me/6281234567890\?text=', page)


def test_without_a_number_the_link_lets_the_sender_choose_the_chat(login, submitted, waka):
    page = login(waka).get(submitted.get_absolute_url()).content.decode()
    assert re.search(r'href="https://wa\.me/\?text=', page)
    assert reverse("madrasah:my-account") == MY_ACCOUNT
