"""Siapkan madrasah: the setup code makes the installation administrator, then the wizard prepares a
madrasah step by step, through HTTP as a real operator would on a blank installation."""

import datetime as dt
import io
import re
import zoneinfo
from urllib.parse import urlsplit

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from kompetensi.models import InstrumentVersion
from madrasah import setup_code
from madrasah.models import (
    HeadAppointment,
    Madrasah,
    Membership,
    Semester,
    SetupStep,
    Staff,
    TeacherType,
    User,
)
from tests.factories.madrasah import UserFactory


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 64), "green").save(out, "PNG")
    return out.getvalue()


PNG = _png()
TODAY = dt.datetime(2026, 9, 1, 9, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Jakarta"))
KEPALA_NIP = "197203151998031002"


@pytest.fixture(autouse=True)
def private_dirs(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def fixed_clock():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def code():
    return setup_code.setup_code_issue()


def start_data(code, **extra):
    return {
        "code": code,
        "username": "admin-mutu",
        "password1": "Kunci-Madrasah-2026",
        "password2": "Kunci-Madrasah-2026",
    } | extra


def madrasah_data(**extra):
    return {
        "name": "MTs Negeri 3 Pamekasan",
        "nsm": "121135280003",
        "npsn": "20580456",
        "status": "negeri",
        "ministry_line": "KEMENTERIAN AGAMA REPUBLIK INDONESIA",
        "district_office": "KANTOR KEMENTERIAN AGAMA KABUPATEN PAMEKASAN",
        "address": "Jl. Raya Pakong No. 1",
        "regency": "Kabupaten Pamekasan",
        "province": "Jawa Timur",
        "time_zone": "Asia/Jakarta",
        "city": "Pamekasan",
        "paper_size": "F4",
        "unit_code": "Mts.13.28.03",
        "classification_code": "PP.00.4",
        "numbering_start": "120",
    } | extra


def kepala_data(**extra):
    return {
        "front_title": "H.",
        "name": "Ahmad Fauzi",
        "back_title": "M.Pd.I.",
        "sex": "L",
        "employment_status": "pns",
        "nip": "19720315 199803 1 002",
        "decree_number": "B-123/Kw.13.4/KP.07.6/07/2026",
        "decree_date": "2026-07-15",
    } | extra


def operator_data(**extra):
    return {"name": "Siti Rahma", "sex": "P", "employment_status": "honorer", "peg_id": "7788990011"} | extra


@pytest.fixture
def administrator(client, code):
    response = client.post(reverse("madrasah:setup-start"), start_data(code))
    assert response.status_code == 302
    return User.objects.get(username="admin-mutu")


def create_madrasah(client, **extra) -> Madrasah:
    response = client.post(reverse("madrasah:setup-madrasah"), madrasah_data(**extra))
    assert response.status_code == 302, response.context["form"].errors
    return Madrasah.objects.get(nsm=madrasah_data(**extra)["nsm"])


SEMESTERS = {
    "start_year": "2026",
    "ganjil_start": "2026-07-13",
    "ganjil_end": "2026-12-19",
    "genap_start": "2027-01-04",
    "genap_end": "2027-06-26",
}


def run_to(client, madrasah, step):
    """Post the steps until `step` is due; the last one (the semesters) answers with the two slips."""
    posts = [
        ("setup-kepala", kepala_data()),
        ("setup-operator", operator_data()),
        ("setup-semesters", SEMESTERS),
    ]
    response = None
    for name, data in posts:
        madrasah.refresh_from_db()
        if madrasah.setup_step == step:
            return response
        response = client.post(reverse(f"madrasah:{name}", args=[madrasah.pk]), data)
        expected = 200 if name == "setup-semesters" else 302
        assert response.status_code == expected, response.context["form"].errors
    return response


# --- step 0: the setup code ------------------------------------------------------------------------


def test_a_blank_installation_shows_the_way_to_the_setup_on_the_login_page(client, db):
    response = client.get(reverse("madrasah:login"))
    assert reverse("madrasah:setup-start") in response.content.decode()
    assert client.get(reverse("madrasah:setup-start")).status_code == 200


def test_a_wrong_code_is_refused_and_nothing_is_written(client, code):
    response = client.post(reverse("madrasah:setup-start"), start_data("AAAA-BBBB-CCCC"))
    assert response.status_code == 403
    assert "kode penyiapan salah" in response.content.decode().lower()
    assert not User.objects.exists()


def test_a_short_code_is_a_field_error_never_an_account(client, code):
    response = client.post(reverse("madrasah:setup-start"), start_data("ABC"))
    assert response.status_code == 200
    assert response.context["form"].errors["code"]
    assert not User.objects.exists()


def test_the_right_code_makes_the_installation_administrator_and_logs_them_in(client, code):
    response = client.post(reverse("madrasah:setup-start"), start_data(code.lower().replace("-", " ")))
    assert response.status_code == 302 and response.url == reverse("madrasah:setup-madrasah")
    admin = User.objects.get(username="admin-mutu")
    assert admin.is_superuser and not admin.memberships.exists()
    assert client.get(reverse("madrasah:setup-madrasah")).status_code == 200


def test_a_weak_password_is_refused_and_the_code_stays_valid(client, code):
    response = client.post(reverse("madrasah:setup-start"), start_data(code, password1="123", password2="123"))
    assert response.status_code == 200 and response.context["form"].errors["password1"]
    assert not User.objects.exists()
    assert setup_code.setup_code_current() == code


def test_a_second_setup_attempt_with_the_used_code_is_refused(client, code, administrator):
    client.logout()
    response = client.post(reverse("madrasah:setup-start"), start_data(code, username="penyusup"))
    assert response.status_code == 403
    assert "sudah disiapkan" in response.content.decode()
    assert not User.objects.filter(username="penyusup").exists()


def test_a_reused_code_is_refused_when_a_fresh_code_was_printed_again(client, code, administrator):
    """Even with a madrasah-less installation and a stale code, the code is single use."""
    client.logout()
    assert not setup_code.setup_code_verify(code)


# --- the wizard ------------------------------------------------------------------------------------


def test_the_whole_wizard_prepares_a_madrasah_ready_for_the_operator(client, administrator):
    logo = SimpleUploadedFile("logo.png", PNG, content_type="image/png")
    response = client.post(reverse("madrasah:setup-madrasah"), madrasah_data(emblem=logo))
    assert response.status_code == 302
    madrasah = Madrasah.objects.get()
    assert madrasah.emblem and madrasah.regency == "Kabupaten Pamekasan"
    response = run_to(client, madrasah, step="")

    kepala = Staff.objects.get(nip=KEPALA_NIP)
    assert kepala.teacher_type == TeacherType.SUBJECT
    assert HeadAppointment.objects.get(madrasah=madrasah, ended_on__isnull=True).staff == kepala
    assert Membership.objects.get(staff=kepala).role_set == {"kepala", "guru"}
    operator = Staff.objects.get(peg_id="7788990011")
    assert operator.teacher_type == TeacherType.NONE
    assert Membership.objects.get(staff=operator).role_set == {"operator"}
    active = Semester.objects.get(madrasah=madrasah, is_active=True)
    assert active.kind == "ganjil" and active.start_date == dt.date(2026, 7, 13)
    assert InstrumentVersion.objects.filter(instrument__madrasah=madrasah).exists()
    assert (madrasah.unit_code, madrasah.numbering_start) == ("Mts.13.28.03", 120)

    # Saving the semesters ended the setup with the two slips.
    slips = response.context["slips"]
    assert {s["username"] for s in slips} == {KEPALA_NIP, "7788990011"}
    assert f"?next={reverse('madrasah:staff-import')}" in response.content.decode()
    madrasah.refresh_from_db()
    assert madrasah.setup_step == ""

    # The operator logs in with the slip and lands, after choosing a password, on the import page.
    client.logout()
    password = next(s["password"] for s in slips if s["username"] == "7788990011")
    response = client.post(reverse("madrasah:login"), {"username": "7788990011", "password": password})
    assert response.status_code == 302
    client.post(
        reverse("madrasah:password-change"),
        {"old_password": password, "new_password1": "Operator-Baru-2026", "new_password2": "Operator-Baru-2026"},
    )
    assert client.get(reverse("madrasah:staff-import")).status_code == 200


def test_saving_the_semesters_prepares_the_standard_instruments_and_shows_the_slips(client, administrator):
    madrasah = create_madrasah(client)
    run_to(client, madrasah, step=SetupStep.SEMESTERS)
    assert not InstrumentVersion.objects.filter(instrument__madrasah=madrasah).exists()
    page = client.get(reverse("madrasah:setup-semesters", args=[madrasah.pk]))
    assert [value for value, _label in page.context["steps"]] == ["madrasah", "kepala", "operator", "semesters"]
    assert "slip" in page.content.decode()  # the page says the slips come next, once
    response = run_to(client, madrasah, step="")
    assert response.context["slips"]
    assert InstrumentVersion.objects.filter(instrument__madrasah=madrasah).exists()
    response = client.get(reverse("madrasah:setup-instruments", args=[madrasah.pk]))
    assert response.url == reverse("madrasah:installation")


def test_a_wrong_semester_date_is_a_field_error_and_no_slip_is_issued(client, administrator):
    madrasah = create_madrasah(client)
    run_to(client, madrasah, step=SetupStep.SEMESTERS)
    response = client.post(
        reverse("madrasah:setup-semesters", args=[madrasah.pk]), SEMESTERS | {"genap_start": "2026-12-01"}
    )
    assert response.status_code == 200 and response.context["form"].errors["genap_start"]
    assert "slips" not in response.context
    assert not Semester.objects.filter(madrasah=madrasah).exists()
    assert User.objects.filter(memberships__madrasah=madrasah, password__startswith="first_login").count() == 0
    madrasah.refresh_from_db()
    assert madrasah.setup_step == SetupStep.SEMESTERS


def test_a_setup_begun_before_the_numbering_joined_the_first_page_goes_on_there(client, administrator):
    madrasah = create_madrasah(client)
    Madrasah.objects.filter(pk=madrasah.pk).update(setup_step=SetupStep.NUMBERING)
    assert client.get(reverse("madrasah:setup-start")).url == reverse("madrasah:setup-numbering", args=[madrasah.pk])
    response = client.post(
        reverse("madrasah:setup-numbering", args=[madrasah.pk]),
        {"unit_code": "Mts.13.28.09", "classification_code": "PP.00.4", "numbering_start": "7"},
    )
    assert response.url == reverse("madrasah:setup-kepala", args=[madrasah.pk])
    madrasah.refresh_from_db()
    assert (madrasah.unit_code, madrasah.numbering_start) == ("Mts.13.28.09", 7)


def test_a_numbering_error_on_the_first_page_writes_no_madrasah(client, administrator):
    response = client.post(reverse("madrasah:setup-madrasah"), madrasah_data(numbering_start="0"))
    assert response.status_code == 200
    assert response.context["numbering_form"].errors["numbering_start"]
    assert not Madrasah.objects.exists()


# --- what the setup reads instead of asking ----------------------------------------------------------


@pytest.mark.parametrize(
    ("nsm", "regency", "province", "time_zone"),
    [
        ("121135280003", "Kabupaten Pamekasan", "Jawa Timur", "Asia/Jakarta"),
        ("121173710004", "Kota Makassar", "Sulawesi Selatan", "Asia/Makassar"),
        ("121162010002", "Kabupaten Kotawaringin Barat", "Kalimantan Tengah", "Asia/Jakarta"),
        ("121164710001", "Kota Balikpapan", "Kalimantan Timur", "Asia/Makassar"),
        ("121181710001", "Kota Ambon", "Maluku", "Asia/Jayapura"),
    ],
)
def test_the_kabupaten_province_and_time_zone_are_read_from_the_nsm(
    client, administrator, nsm, regency, province, time_zone
):
    # The time zone as the page proposes it (WIB); the office and place follow the kabupaten/kota read.
    data = madrasah_data(nsm=nsm, regency="", province="", district_office="", city="")
    response = client.post(reverse("madrasah:setup-madrasah"), data, follow=True)
    assert response.redirect_chain, response.context["form"].errors
    madrasah = Madrasah.objects.get(nsm=nsm)
    assert (madrasah.regency, madrasah.province, madrasah.time_zone) == (regency, province, time_zone)
    assert madrasah.district_office == f"KANTOR KEMENTERIAN AGAMA {regency.upper()}"
    # The next page says what was saved, to be checked at a glance.
    notice = " ".join(str(m) for m in response.context["messages"])
    assert regency in notice and province in notice and madrasah.district_office in notice


def test_a_province_the_nsm_does_not_tell_is_asked_and_a_chosen_time_zone_is_kept(client, administrator):
    data = madrasah_data(nsm="121194710001", regency="", province="")  # Papua: renumbered since the NSM guide
    response = client.post(reverse("madrasah:setup-madrasah"), data)
    assert "provinsi" in " ".join(response.context["form"].errors["province"]).lower()
    assert "kabupaten/kota" in " ".join(response.context["form"].errors["regency"])
    assert not Madrasah.objects.exists()
    madrasah = create_madrasah(client, nsm="121194710001", province="Papua Selatan", time_zone="Asia/Makassar")
    assert madrasah.time_zone == "Asia/Makassar"  # chosen: kept, however odd


def test_a_private_nsm_makes_a_madrasah_swasta(client, administrator):
    # The page proposes negeri; the NSM's fourth digit (2) says swasta.
    data = madrasah_data(nsm="121235280011", npsn="20580999", district_office="", foundation_name="Yayasan Al-Ihsan")
    response = client.post(reverse("madrasah:setup-madrasah"), data)
    assert response.status_code == 302, response.context["form"].errors
    assert Madrasah.objects.get(nsm="121235280011").status == "swasta"


def test_the_kepala_name_is_written_with_its_titles_and_pns_is_proposed(client, administrator):
    madrasah = create_madrasah(client)
    run_to(client, madrasah, step=SetupStep.KEPALA)
    page = client.get(reverse("madrasah:setup-kepala", args=[madrasah.pk]))
    assert page.context["form"]["employment_status"].value() == "pns"
    data = kepala_data(front_title="", name="Prof. Dr. H. Ahmad Fauzi, M.Pd.I., M.Si.", back_title="")
    response = client.post(reverse("madrasah:setup-kepala", args=[madrasah.pk]), data)
    assert response.status_code == 302, response.context["form"].errors
    kepala = Staff.objects.get(nip=KEPALA_NIP)
    assert (kepala.front_title, kepala.name, kepala.back_title) == ("Prof. Dr. H.", "Ahmad Fauzi", "M.Pd.I., M.Si.")
    assert kepala.full_name == "Prof. Dr. H. Ahmad Fauzi, M.Pd.I., M.Si."


def test_a_name_with_titles_in_their_own_fields_is_kept_as_typed(client, administrator):
    madrasah = create_madrasah(client)
    run_to(client, madrasah, step=SetupStep.KEPALA)
    data = kepala_data(front_title="Drs.", name="H. Muh. Salim, S.Ag", back_title="M.Pd.")
    response = client.post(reverse("madrasah:setup-kepala", args=[madrasah.pk]), data)
    assert response.status_code == 302, response.context["form"].errors
    kepala = Staff.objects.get(nip=KEPALA_NIP)
    assert (kepala.front_title, kepala.name, kepala.back_title) == ("Drs.", "H. Muh. Salim, S.Ag", "M.Pd.")


def test_an_operator_without_identifiers_gets_a_username_from_the_name(client, administrator):
    UserFactory(username="sitirahma")  # taken elsewhere in the installation: never reused
    madrasah = create_madrasah(client)
    run_to(client, madrasah, step=SetupStep.OPERATOR)
    page = client.get(reverse("madrasah:setup-operator", args=[madrasah.pk]))
    assert page.context["form"]["employment_status"].value() == "honorer"
    response = client.post(
        reverse("madrasah:setup-operator", args=[madrasah.pk]),
        {"name": "Sití Rahma Wati", "sex": "P", "employment_status": "honorer"},
    )
    assert response.status_code == 302, response.context["form"].errors
    operator = Membership.objects.get(madrasah=madrasah, roles__role="operator")
    assert operator.user.username == "sitirahma2"
    assert operator.staff.employment_status == "honorer"


def test_the_kemenag_office_and_the_place_for_dates_come_from_the_kabupaten_when_left_empty(client, administrator):
    madrasah = create_madrasah(client, district_office="", city="")
    assert madrasah.district_office == "KANTOR KEMENTERIAN AGAMA KABUPATEN PAMEKASAN"
    assert madrasah.city == "Pamekasan"
    other = create_madrasah(
        client, nsm="121135730001", npsn="20533012", regency="Kota Malang", district_office="", city=""
    )
    assert (other.district_office, other.city) == ("KANTOR KEMENTERIAN AGAMA KOTA MALANG", "Malang")


def test_what_is_typed_for_the_office_and_place_is_kept(client, administrator):
    madrasah = create_madrasah(client, district_office="KANTOR KEMENAG KAB. PAMEKASAN", city="Pakong")
    assert (madrasah.district_office, madrasah.city) == ("KANTOR KEMENAG KAB. PAMEKASAN", "Pakong")


def test_a_negeri_whose_kabupaten_or_kota_is_not_named_still_needs_its_office(client, administrator):
    response = client.post(
        reverse("madrasah:setup-madrasah"), madrasah_data(regency="Pamekasan", district_office="", city="")
    )
    assert response.status_code == 200
    assert "district_office" in response.context["form"].errors
    assert not Madrasah.objects.exists()


def test_the_kepala_sex_is_read_from_the_nip(client, administrator):
    madrasah = create_madrasah(client)
    run_to(client, madrasah, step=SetupStep.KEPALA)
    data = kepala_data(nip="19800512 200501 2 003")
    del data["sex"]
    response = client.post(reverse("madrasah:setup-kepala", args=[madrasah.pk]), data)
    assert response.status_code == 302, response.context["form"].errors
    assert Staff.objects.get(nip="198005122005012003").sex == "P"


def test_without_a_nip_the_kepala_sex_must_be_chosen(client, administrator):
    madrasah = create_madrasah(client)
    run_to(client, madrasah, step=SetupStep.KEPALA)
    data = kepala_data(nip="", employment_status="gty", peg_id="5566778899")
    del data["sex"]
    response = client.post(reverse("madrasah:setup-kepala", args=[madrasah.pk]), data)
    assert response.status_code == 200
    assert "sex" in response.context["form"].errors
    assert not Staff.objects.filter(madrasah=madrasah).exists()


def test_reopening_the_setup_continues_at_the_first_unfinished_step(client, administrator):
    madrasah = create_madrasah(client)
    run_to(client, madrasah, step=SetupStep.OPERATOR)
    response = client.get(reverse("madrasah:setup-start"))
    assert response.status_code == 302 and response.url == reverse("madrasah:setup-operator", args=[madrasah.pk])
    # An earlier step cannot be done twice: it leads to the current one.
    response = client.post(reverse("madrasah:setup-kepala", args=[madrasah.pk]), kepala_data())
    assert response.url == reverse("madrasah:setup-operator", args=[madrasah.pk])
    assert Staff.objects.filter(madrasah=madrasah).count() == 1


@pytest.mark.parametrize(("field", "value"), [("nsm", "12113528"), ("npsn", "2058045X")])
def test_a_malformed_nsm_or_npsn_is_a_field_error_and_nothing_is_written(client, administrator, field, value):
    response = client.post(reverse("madrasah:setup-madrasah"), madrasah_data(**{field: value}))
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert not Madrasah.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("logo.png", b"MZ\x90\x00 not an image at all", "bukan gambar PNG atau JPEG"),
        ("logo.png", PNG + b"\0" * (2 * 1024 * 1024), "lebih besar dari 2 MB"),
    ],
)
def test_a_logo_that_is_not_an_image_or_too_large_is_refused(client, administrator, name, content, message):
    logo = SimpleUploadedFile(name, content, content_type="image/png")
    response = client.post(reverse("madrasah:setup-madrasah"), madrasah_data(emblem=logo))
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["emblem"])
    assert not Madrasah.objects.exists()


def test_a_madrasah_swasta_needs_its_yayasan(client, administrator):
    response = client.post(reverse("madrasah:setup-madrasah"), madrasah_data(status="swasta", district_office=""))
    assert response.context["form"].errors["foundation_name"]
    create_madrasah(client, status="swasta", district_office="", foundation_name="Yayasan Nurul Huda")


def test_a_kepala_nip_that_has_an_account_elsewhere_is_refused_never_linked(client, administrator):
    elsewhere = UserFactory(username=KEPALA_NIP)
    madrasah = create_madrasah(client)
    run_to(client, madrasah, step=SetupStep.KEPALA)
    response = client.post(reverse("madrasah:setup-kepala", args=[madrasah.pk]), kepala_data())
    assert response.status_code == 200
    text = " ".join(response.context["form"].non_field_errors())
    assert "sudah ada" in text and "pencarian akun" in text
    assert not Staff.objects.filter(madrasah=madrasah).exists()
    assert not elsewhere.memberships.exists()
    madrasah.refresh_from_db()
    assert madrasah.setup_step == SetupStep.KEPALA


def test_the_installation_page_offers_another_madrasah_and_shows_the_setup_state(client, administrator):
    madrasah = create_madrasah(client)
    response = client.get(reverse("madrasah:installation"))
    assert reverse("madrasah:setup-madrasah") in response.content.decode()
    assert "Belum selesai" in response.content.decode()
    run_to(client, madrasah, step="")
    assert client.get(reverse("madrasah:setup-start")).url == reverse("madrasah:installation")
    assert client.get(reverse("madrasah:setup-madrasah")).status_code == 200


def test_a_superuser_of_a_blank_installation_is_led_to_the_setup(client, db):
    admin = User.objects.create_superuser(username="root", password="x-Root-Pass-2026")
    client.force_login(admin)
    assert client.get(reverse("madrasah:home")).url == reverse("madrasah:installation")
    assert client.get(reverse("madrasah:installation")).url == reverse("madrasah:setup-start")
    assert client.get(reverse("madrasah:setup-start")).url == reverse("madrasah:setup-madrasah")


# --- members of a madrasah never open the setup ----------------------------------------------------


SETUP_PAGES = [
    "setup-numbering",
    "setup-kepala",
    "setup-operator",
    "setup-semesters",
    "setup-instruments",  # the former step: now only leads to where the setup stands
    "setup-slips",
]


@pytest.mark.parametrize("persona", ["guru", "kepala", "operator", "pengawas", "outsider"])
def test_members_are_refused_every_setup_page(client, request, persona):
    membership = request.getfixturevalue(persona)
    client.force_login(membership.user)
    assert client.get(reverse("madrasah:setup-start")).status_code == 403
    assert client.get(reverse("madrasah:setup-madrasah")).status_code == 403
    for name in SETUP_PAGES:
        assert client.post(reverse(f"madrasah:{name}", args=[membership.madrasah_id])).status_code == 403


def test_step_zero_is_refused_to_anonymous_once_a_madrasah_exists(client, madrasah, code):
    response = client.post(reverse("madrasah:setup-start"), start_data(code))
    assert response.status_code == 403
    assert not User.objects.filter(username="admin-mutu").exists()
    assert reverse("madrasah:setup-start") not in client.get(reverse("madrasah:login")).content.decode()


def test_the_setup_slips_carry_start_links_that_bring_each_person_home(client, administrator):
    """The setup's slips, built by the wizard, have the start link too: the Kepala and the operator each
    choose a password through theirs and land on their own home."""
    madrasah = create_madrasah(client)
    page = run_to(client, madrasah, step="").content.decode()
    links = re.findall(r'data-testid="slip-link"[^>]*>([^<]+)</a>', page)
    assert len(links) == 2 and page.count('class="slip-qr"') == 2

    homes = []
    for link in links:
        phone = Client()
        form_url = phone.get(urlsplit(link).path).url
        phone.post(form_url, {"new_password1": "Pilihan-Sendiri-2026", "new_password2": "Pilihan-Sendiri-2026"})
        homes.append(phone.get("/", follow=True).redirect_chain[-1][0])
    assert sorted(homes) == ["/beranda/kepala/", "/beranda/operator/"]
