"""Fixtures of the laporan tests."""

from __future__ import annotations

from pathlib import Path

import pytest


# Laporan: reports — a MEDIA_ROOT of the test's own, and the build messages handed to the broker.
@pytest.fixture
def media(settings, tmp_path) -> Path:
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = str(root)
    return root


@pytest.fixture
def sent(monkeypatch) -> list[int]:
    """Report ids handed to the broker (nothing is published; nor are the parts of a bundle)."""
    from laporan.tasks import build_bundle_part, build_report

    calls: list[int] = []

    def publish(args=None, **kwargs):
        calls.append(args[0])

    monkeypatch.setattr(build_report, "apply_async", publish)
    monkeypatch.setattr(build_bundle_part, "apply_async", lambda args=None, **kwargs: None)
    return calls
