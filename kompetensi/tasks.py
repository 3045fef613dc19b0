"""The module Celery autodiscovers for kompetensi: it registers each sub-domain's tasks (their names
are explicit, `kompetensi.tasks.<task>`, so queued messages and beat entries keep working)."""

from .supervision.tasks import deem_acknowledged

__all__ = ["deem_acknowledged"]
