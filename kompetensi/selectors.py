"""Old import path (shims only)."""

# isort: off
from .instruments.rules import mean  # noqa: F401  # shim: removed at merge
from .instruments.selectors import academic_year_current  # noqa: F401  # shim: removed at merge
from .instruments.selectors import band_bound as _band_bound  # noqa: F401  # shim: removed at merge
from .instruments.selectors import instrument_version_sheet  # noqa: F401  # shim: removed at merge
from .instruments.selectors import instrument_version_sheets  # noqa: F401  # shim: removed at merge
from .instruments.selectors import version_bands  # noqa: F401  # shim: removed at merge
from .supervision.selectors.results import COUNTED  # noqa: F401  # shim: removed at merge
from .supervision.selectors.results import DECIMAL  # noqa: F401  # shim: removed at merge
from .supervision.selectors.results import ITEM_FIELDS  # noqa: F401  # shim: removed at merge
from .supervision.selectors.results import OBSERVED  # noqa: F401  # shim: removed at merge
from .supervision.selectors.results import SCALE_MAX  # noqa: F401  # shim: removed at merge
from .supervision.selectors.results import ExactNumber  # noqa: F401  # shim: removed at merge
from .supervision.selectors.results import FollowUpCounts  # noqa: F401  # shim: removed at merge
from .supervision.selectors.results import instrument_results  # noqa: F401  # shim: removed at merge
from .supervision.selectors.results import latest_final_observations  # noqa: F401  # shim: removed at merge
from .supervision.selectors.results import metric_follow_ups_on_time  # noqa: F401  # shim: removed at merge
from .supervision.selectors.results import metric_instrument_average  # noqa: F401  # shim: removed at merge
from .supervision.selectors.results import metric_instrument_predikat_share  # noqa: F401  # shim: removed at merge
from .supervision.selectors.results import metric_rows_on_time  # noqa: F401  # shim: removed at merge
from .supervision.selectors.results import section_averages  # noqa: F401  # shim: removed at merge
from .supervision.selectors.results import strongest_items  # noqa: F401  # shim: removed at merge
from .supervision.selectors.results import supervision_counts  # noqa: F401  # shim: removed at merge
from .appraisal.selectors.figures import approved_appraisals  # noqa: F401  # shim: removed at merge
from .appraisal.selectors.figures import metric_pkg_predikat_share  # noqa: F401  # shim: removed at merge
from .pkb.selectors import PkbCounts  # noqa: F401  # shim: removed at merge
from .pkb.selectors import pkb_counts  # noqa: F401  # shim: removed at merge
from .pkb.selectors import metric_pkb_average_jp  # noqa: F401  # shim: removed at merge
from .pkb.selectors import metric_pkb_pns_reached  # noqa: F401  # shim: removed at merge
# isort: on
