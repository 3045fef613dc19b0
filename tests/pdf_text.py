"""The text a reader sees in a PDF, page by page: poppler's `pdftotext` (Debian's poppler-utils,
installed by `make test-system-packages`) in content-stream order, one line per line of print.

It reads a page in a few milliseconds, where pypdf's text extraction took about a tenth of a second:
the documents' tests read several hundred pages.
"""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

INSTALL_HINT = "Install it with: sudo apt-get install poppler-utils  (or `make test-system-packages` as root)"


def page_lines(data: bytes) -> list[list[str]]:
    """Each page's non-empty lines, their whitespace collapsed."""
    if shutil.which("pdftotext") is None:
        pytest.fail(f"pdftotext is missing. {INSTALL_HINT}", pytrace=False)
    result = subprocess.run(  # noqa: S603 - a fixed command reading the PDF from its input
        ["pdftotext", "-raw", "-enc", "UTF-8", "-", "-"], input=data, capture_output=True, check=True, timeout=60
    )
    pages = result.stdout.decode().split("\f")[:-1]  # every page ends with a form feed
    return [
        [line for line in (re.sub(r"\s+", " ", raw).strip() for raw in page.splitlines()) if line] for page in pages
    ]


def page_texts(data: bytes) -> list[str]:
    """Each page's text on one line, its whitespace collapsed."""
    return [" ".join(lines) for lines in page_lines(data)]


def pdf_text(data: bytes) -> str:
    """The whole document's text on one line, its whitespace collapsed."""
    return " ".join(page_texts(data))
