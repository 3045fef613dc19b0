"""The teacher's home greets them by name, with their titles as written: a title that ends in a full
stop ("S.Pd.") is not followed by a second one."""

from __future__ import annotations


def test_the_greeting_never_doubles_the_full_stop_of_a_title(client, guru):
    staff = guru.staff
    staff.back_title = "S.Pd."
    staff.save(update_fields=["back_title"])
    client.force_login(guru.user)

    html = client.get("/beranda/guru/").content.decode()

    assert f"Selamat datang, {staff.full_name}" in html
    assert "S.Pd.." not in html
