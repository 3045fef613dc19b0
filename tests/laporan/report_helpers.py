"""Shared by the report tests: the PDF's text and the files under a folder."""

from __future__ import annotations

import re
from io import BytesIO
from pathlib import Path

from pypdf import PdfReader


def pdf_text(data: bytes) -> str:
    """The text a reader sees, whitespace collapsed (pypdf on WeasyPrint's output)."""
    reader = PdfReader(BytesIO(data))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() or "" for page in reader.pages))


def files_under(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())
