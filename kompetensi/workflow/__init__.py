# ruff: noqa: F401, I001
from ..supervision.services.evidence import observation_evidence_add  # shim: removed at merge
from ..supervision.services.followups import follow_up_create  # shim: removed at merge
from ..supervision.services.transitions import observation_acknowledge  # shim: removed at merge
from ..supervision.services.transitions import observation_finalise  # shim: removed at merge
from ..supervision.services.transitions import observation_submit  # shim: removed at merge
