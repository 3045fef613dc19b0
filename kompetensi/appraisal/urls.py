"""The PKG pages, in the order the app's URL list has always had them (period and sheet pages, the
stage actions and printed forms, closing the year)."""

from .views import periods, sheet, stages

urlpatterns = [
    *periods.urlpatterns,
    *sheet.urlpatterns,
    *stages.urlpatterns,
    *periods.closing_urlpatterns,
]
