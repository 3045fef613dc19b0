# ruff: noqa: F401, I001
from .money.selectors import FundingSummary  # shim: removed at merge
from .money.selectors import Period  # shim: removed at merge
from .money.selectors import funding_summary  # shim: removed at merge
