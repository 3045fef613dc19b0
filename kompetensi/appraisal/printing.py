"""Shim: the old import path of the printed forms' context (`selectors.printing`)."""

from .selectors.printing import appraisal_print_context as appraisal_print_context  # shim: removed at merge
