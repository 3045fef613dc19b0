from .documents.selectors import period_of_year as period_of_year  # shim: removed at merge
