"""Shim: the old import path of the year's PKG figures (`selectors.figures`)."""

from .selectors.figures import pkg_frozen_figures as pkg_frozen_figures  # shim: removed at merge
from .selectors.figures import pkg_live_figures as pkg_live_figures  # shim: removed at merge
