# ruff: noqa: I001 - one line per name, so each shim goes on its own at merge
from .documents.services.reports import BROKER_DOWN as BROKER_DOWN  # shim: removed at merge
from .documents.services.reports import report_build_now as report_build_now  # shim: removed at merge
from .documents.services.reports import report_html as report_html  # shim: removed at merge
from .documents.services.reports import report_request as report_request  # shim: removed at merge
