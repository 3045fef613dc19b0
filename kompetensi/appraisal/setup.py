"""Shim: the old import path of the PKG set-up writes (`services.setup`)."""

from .services.setup import appraisal_period_create as appraisal_period_create  # shim: removed at merge
