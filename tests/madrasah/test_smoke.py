def test_each_persona_reaches_its_home(login, kepala, waka, guru, operator, pengawas):
    for membership, home in [
        (kepala, "/beranda/kepala/"),
        (waka, "/beranda/waka/"),
        (guru, "/beranda/guru/"),
        (operator, "/beranda/operator/"),
        (pengawas, "/beranda/pengawas/"),
    ]:
        client = login(membership)
        response = client.get("/", follow=True)
        assert response.redirect_chain[-1][0] == home
        assert response.status_code == 200
