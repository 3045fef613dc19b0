# ruff: noqa: F401, I001
from madrasah.files import evidence_check  # shim: removed at merge
from madrasah.files import evidence_original_name  # shim: removed at merge
