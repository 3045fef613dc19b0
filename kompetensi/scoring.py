# ruff: noqa: F401, I001
from .instruments.rules import HUNDRED  # shim: removed at merge
from .instruments.rules import PKG_COMPETENCY_MAX  # shim: removed at merge
from .instruments.rules import Band  # shim: removed at merge
from .instruments.rules import CompetencyResult  # shim: removed at merge
from .instruments.rules import PkgResult  # shim: removed at merge
from .instruments.rules import for_display  # shim: removed at merge
from .instruments.rules import predikat  # shim: removed at merge
from .instruments.rules import score_pkg  # shim: removed at merge
