"""Shim: the old import path of the PKG scoring writes (`services.scores`)."""

from .services.scores import appraisal_evidence_add as appraisal_evidence_add  # shim: removed at merge
from .services.scores import appraisal_results_store as appraisal_results_store  # shim: removed at merge
from .services.scores import appraisal_scores_save as appraisal_scores_save  # shim: removed at merge
