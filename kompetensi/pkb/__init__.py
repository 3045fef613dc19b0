"""PKB: the teachers' professional development log, its verification and in-house activities."""

from .rules import PNS_MINIMUM_JP as PNS_MINIMUM_JP  # shim: removed at merge
from .rules import PPPK_CAP_JP as PPPK_CAP_JP  # shim: removed at merge
from .rules import academic_start_year as academic_start_year  # shim: removed at merge
from .rules import academic_year_bounds as academic_year_bounds  # shim: removed at merge
from .rules import academic_year_name as academic_year_name  # shim: removed at merge
from .rules import current_academic_start_year as current_academic_start_year  # shim: removed at merge
from .selectors import pkb_recap as pkb_recap  # shim: removed at merge
from .selectors import pkb_recap_rows as pkb_recap_rows  # shim: removed at merge
from .selectors import pkb_totals as pkb_totals  # shim: removed at merge
from .services import InHouseData as InHouseData  # shim: removed at merge
from .services import PkbData as PkbData  # shim: removed at merge
from .services import in_house_create as in_house_create  # shim: removed at merge
from .services import pkb_activity_create as pkb_activity_create  # shim: removed at merge
