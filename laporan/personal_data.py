from .privacy.selectors import personal_data_collect as personal_data_collect  # shim: removed at merge
