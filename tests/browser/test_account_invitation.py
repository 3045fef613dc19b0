"""In Chromium, as a hostile operator of another madrasah and as the account's owner: typing our
Kepala's NIP into another madrasah's staff record gets that madrasah an invitation, never our Kepala's
account; only the Kepala, logged in with their own password, answers it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from madrasah.models import Invitation, Membership
from tests.factories.madrasah import StaffFactory, member

from .conftest import PASSWORD
from .test_journeys import assert_no_csp_violations, log_in, path_is, submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_another_madrasahs_operator_gets_an_invitation_and_our_kepala_declines_it(browsing, kepala, other_madrasah):
    operator_b = member(
        madrasah=other_madrasah,
        roles=["operator"],
        staff=StaffFactory(
            madrasah=other_madrasah, teacher_type="none", employment_status="honorer", nip="", peg_id="99887766"
        ),
    )
    fake = StaffFactory(madrasah=other_madrasah, nip=kepala.staff.nip, birth_date=kepala.staff.birth_date)
    page = browsing.new_page()

    log_in(page, operator_b.user.username, PASSWORD)
    page.goto(f"/pegawai/{fake.pk}/")
    submit(page, page.get_by_role("button", name="Buat akun dan cetak slip"))
    expect(page.get_by_test_id("invitation-pending")).to_contain_text(kepala.user.username)
    expect(page.get_by_text("Atur ulang sandi")).to_have_count(0)
    assert list(Membership.objects.filter(user=kepala.user)) == [kepala]

    page.context.clear_cookies()
    log_in(page, kepala.user.username, PASSWORD)  # the Kepala's own password still works
    page.goto("/akun/saya/")
    invitation = page.get_by_test_id("invitation")
    expect(invitation).to_contain_text(other_madrasah.name)
    submit(page, invitation.get_by_role("button", name="Tolak"))
    expect(page).to_have_url(path_is("/akun/saya/"))
    expect(page.get_by_test_id("invitation")).to_have_count(0)
    expect(page.get_by_test_id("account-events")).to_contain_text("Undangan ditolak")
    assert Invitation.objects.get(user=kepala.user).status == "declined"
    assert list(Membership.objects.filter(user=kepala.user)) == [kepala]
    assert_no_csp_violations(browsing)
