# ruff: noqa: F401, I001
from .instruments.seed_data import PKG_MAPEL_INSTRUMENT  # shim: removed at merge
