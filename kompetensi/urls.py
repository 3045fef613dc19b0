from .appraisal import urls as appraisal_urls
from .growth import urls as growth_urls
from .instruments import urls as instruments
from .pkb import urls as pkb_urls
from .supervision import urls as supervision

app_name = "kompetensi"

urlpatterns = [
    *instruments.urlpatterns,
    *supervision.urlpatterns,
    *appraisal_urls.urlpatterns,
    *growth_urls.urlpatterns,
    *pkb_urls.urlpatterns,
]
