# ruff: noqa: F401, I001
from .instruments.seed import ensure_frameworks  # shim: removed at merge
from .instruments.seed import instrument_create_from_spec  # shim: removed at merge
from .instruments.seed import instruments_ensure_defaults  # shim: removed at merge
