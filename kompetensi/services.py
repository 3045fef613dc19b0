# ruff: noqa: F401, I001
from .instruments.services import instrument_version_freeze  # shim: removed at merge
