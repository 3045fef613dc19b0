"""The teacher's home stays light on metered phone data: no htmx where no element uses it, and the
page itself gzipped."""

from __future__ import annotations

import gzip
import re

GZIP = {"HTTP_ACCEPT_ENCODING": "gzip"}


def test_the_teachers_home_loads_no_htmx_and_uses_none(client, guru):
    client.force_login(guru.user)
    response = client.get("/beranda/guru/", **GZIP)
    assert response.status_code == 200
    html = gzip.decompress(response.content).decode()
    assert "htmx.min.js" not in html
    # The CSRF header on <body> is the only htmx attribute, harmless without htmx.
    assert re.findall(r"\shx-[a-z-]+=", html) == [" hx-headers="]


def test_a_page_that_uses_htmx_still_loads_it(client, kepala):
    client.force_login(kepala.user)
    assert "htmx.min.js" in client.get("/beranda/kepala/").content.decode()
