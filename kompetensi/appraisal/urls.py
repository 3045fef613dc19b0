"""The PKG pages: the period and sheet pages, the stage actions and printed forms, closing the year."""

from .views import periods, sheet, stages

urlpatterns = [
    *periods.urlpatterns,
    *sheet.urlpatterns,
    *stages.urlpatterns,
    *periods.closing_urlpatterns,
]
