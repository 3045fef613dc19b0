# ruff: noqa: F401, I001
from .supervision.rules import RowStatus  # shim: removed at merge
from .supervision.selectors.programme import blocked_periods  # shim: removed at merge
from .supervision.selectors.programme import programme_of_semester  # shim: removed at merge
from .supervision.selectors.programme import programme_rows  # shim: removed at merge
from .supervision.selectors.programme import rows_for_display  # shim: removed at merge
from .supervision.selectors.programme import supervision_instruments  # shim: removed at merge
from .supervision.selectors.programme import supervision_people  # shim: removed at merge
