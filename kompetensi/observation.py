# ruff: noqa: F401, I001
from .supervision.selectors.observations import observation_result  # shim: removed at merge
from .supervision.services.observations import observation_save  # shim: removed at merge
from .supervision.services.observations import observation_start  # shim: removed at merge
