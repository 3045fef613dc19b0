# ruff: noqa: F401, I001
from .cycles.rules import factor_labels  # shim: removed at merge
from .cycles.rules import indicator_text  # shim: removed at merge
from .cycles.rules import indicator_unit  # shim: removed at merge
from .cycles.rules import period_text  # shim: removed at merge
from .cycles.rules import shown  # shim: removed at merge
from .cycles.rules import target_text  # shim: removed at merge
from .cycles.selectors import CycleLine  # shim: removed at merge
from .cycles.selectors import activities_of_cycles  # shim: removed at merge
from .cycles.selectors import cycle_summary  # shim: removed at merge
from .cycles.selectors import cycles_for_board  # shim: removed at merge
from .cycles.selectors import measurements_of_cycles  # shim: removed at merge
from .money.rules import funding_totals  # shim: removed at merge
from madrasah.formatting import rupiah  # shim: removed at merge
