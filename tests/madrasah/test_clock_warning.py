"""The Kepala's and the operator's home pages carry the server's clock for the browser to compare with
its own (static/js/clock-check.js; the browser side is tests/browser/test_clock_warning.py). Other
roles do not get the check."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.urls import reverse

SERVER_NOW = datetime(2026, 3, 2, 1, 30, tzinfo=UTC)
SERVER_NOW_MS = 1772415000000


def test_the_fixed_clock_is_the_epoch_milliseconds_the_pages_should_carry():
    assert int(SERVER_NOW.timestamp() * 1000) == SERVER_NOW_MS


@pytest.mark.parametrize(
    ("persona", "url"), [("kepala", "madrasah:home-kepala"), ("operator", "madrasah:home-operator")]
)
def test_kepala_and_operator_homes_carry_the_servers_clock(request, login, persona, url):
    client = login(request.getfixturevalue(persona))
    with time_machine.travel(SERVER_NOW, tick=False):
        response = client.get(reverse(url))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'data-server-time="{SERVER_NOW_MS}"' in html
    assert "js/clock-check" in html
    # Indonesian, ready for the script to fill in the minutes.
    assert "Jam server berbeda {minutes} menit dari jam perangkat Anda" in html


@pytest.mark.parametrize(("persona", "url"), [("waka", "madrasah:home-waka"), ("guru", "madrasah:home-guru")])
def test_other_homes_have_no_clock_check(request, login, persona, url):
    client = login(request.getfixturevalue(persona))
    response = client.get(reverse(url))
    assert response.status_code == 200
    assert "data-server-time" not in response.content.decode()
