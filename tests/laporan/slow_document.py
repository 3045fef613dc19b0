"""A document kind for the fault tests only (`uji-lambat`): its build waits at a gate — until a file
exists, at most a minute — so that a test can kill the worker in the middle of it.

Never part of the product's registry: a test adds it for its own duration (`registered`), and its
worker imports this module (TEST_WORKER_IMPORTS, config/test_settings.py) with the gate in its
environment, which registers it there.
"""

from __future__ import annotations

import contextlib
import os
import time
from pathlib import Path

from laporan.documents.rules import DOCUMENTS, DocumentKind, PeriodKind, document

CODE = "uji-lambat"
GATE = "SLOW_DOCUMENT_GATE"  # the environment variable naming the gate file
MODULE = __name__
WAIT_AT_MOST = 60.0


def slow_context(*, madrasah, period, teacher=None) -> dict:
    gate = os.environ.get(GATE, "")
    end = time.monotonic() + WAIT_AT_MOST
    while gate and not Path(gate).exists() and time.monotonic() < end:
        time.sleep(0.1)
    return {"sheets": [], "empty": True}


SLOW = DocumentKind(
    code=CODE,
    label="Uji lambat",
    period=PeriodKind.SEMESTER,
    template="laporan/pdf/blank_sheets.html",
    context=slow_context,
    numbered=False,
)


@contextlib.contextmanager
def registered():
    """The kind registered in this process for the duration of the block."""
    DOCUMENTS[CODE] = SLOW
    try:
        yield SLOW
    finally:
        DOCUMENTS.pop(CODE, None)


if os.environ.get(GATE) and CODE not in DOCUMENTS:  # a worker started by a fault test
    document(SLOW)
