"""Shim: the old import path of the year's PKG closing (`services.closing`)."""

from .services.closing import appraisal_period_close as appraisal_period_close  # shim: removed at merge
from .services.closing import appraisal_period_reopen as appraisal_period_reopen  # shim: removed at merge
