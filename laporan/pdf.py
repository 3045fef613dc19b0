# ruff: noqa: I001 - one line per name, so each shim goes on its own at merge
from .documents.services.pdf import BASE_URL as BASE_URL  # shim: removed at merge
from .documents.services.pdf import RestrictedFetcher as RestrictedFetcher  # shim: removed at merge
from .documents.services.pdf import html_to_pdf as html_to_pdf  # shim: removed at merge
