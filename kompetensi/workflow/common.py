# ruff: noqa: F401, I001
from madrasah.models import Role  # shim: removed at merge
from madrasah.workflow import clean_text  # shim: removed at merge
from madrasah.workflow import display_names  # shim: removed at merge
from madrasah.workflow import history_rows  # shim: removed at merge
from madrasah.workflow import holds  # shim: removed at merge
from madrasah.workflow import notify  # shim: removed at merge
from madrasah.workflow import role_user_ids  # shim: removed at merge
from madrasah.workflow import shorten  # shim: removed at merge
from madrasah.workflow import staff_user_ids as teacher_user_ids  # shim: removed at merge


def kepala_user_ids(madrasah_id: int) -> list[int]:  # shim: removed at merge
    return role_user_ids(madrasah_id, Role.KEPALA)
