"""A new person is not silently a subject teacher: the operator chooses none, subject teacher or BK."""

import re

from madrasah.models import Staff

CREATE = "/pegawai/tambah/"


def new_person(**overrides):
    data = {
        "name": "Rahmat Hidayat",
        "sex": "L",
        "employment_status": "honorer",
        "peg_id": "9911223344",
        "subjects": [],
    }
    data.update(overrides)
    return data


def test_the_create_form_preselects_no_teacher_type(client, operator):
    client.force_login(operator.user)
    page = client.get(CREATE).content.decode()
    choices = re.findall(r'<input[^>]*name="teacher_type"[^>]*>', page)
    assert sorted(re.search(r'value="(\w+)"', c).group(1) for c in choices) == ["bk", "mapel", "none"]
    assert not any("checked" in choice for choice in choices)


def test_a_person_without_a_chosen_teacher_type_is_refused(client, operator):
    client.force_login(operator.user)
    response = client.post(CREATE, new_person())
    assert response.status_code == 200
    assert "Bidang ini tidak boleh kosong." in response.content.decode()
    assert not Staff.objects.filter(name="Rahmat Hidayat").exists()


def test_office_staff_chosen_as_not_a_teacher_is_not_a_teacher(client, operator, madrasah):
    client.force_login(operator.user)
    client.post(CREATE, new_person(teacher_type="none"))
    person = Staff.objects.get(name="Rahmat Hidayat")
    assert person.teacher_type == "none"
    assert not madrasah.staff.teachers().filter(pk=person.pk).exists()


def test_the_edit_form_keeps_the_recorded_teacher_type(client, operator, guru):
    client.force_login(operator.user)
    page = client.get(f"/pegawai/{guru.staff_id}/ubah/").content.decode()
    assert re.search(r'<input[^>]*name="teacher_type"[^>]*value="mapel"[^>]*checked', page)
