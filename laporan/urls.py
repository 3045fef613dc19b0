"""The app's pages, one list per sub-domain, all in the `laporan` namespace."""

from .dashboard import urls as dashboard_urls
from .district import urls as district_urls
from .documents import urls as documents_urls
from .privacy import urls as privacy_urls
from .schedules import urls as schedules_urls

app_name = "laporan"

urlpatterns: list = [
    *dashboard_urls.urlpatterns,
    *district_urls.urlpatterns,
    *documents_urls.urlpatterns,
    *schedules_urls.urlpatterns,
    *privacy_urls.urlpatterns,
]
