from .instruments import urls as instruments
from .supervision import urls as supervision
from .views import (
    appraisal,
    appraisal_closing,
    appraisal_workflow,
    growth,
    growth_archive,
    pkb,
)

app_name = "kompetensi"

urlpatterns = [
    *instruments.urlpatterns,
    *supervision.urlpatterns,
    *appraisal.urlpatterns,
    *appraisal_workflow.urlpatterns,
    *appraisal_closing.urlpatterns,
    *growth.urlpatterns,
    *pkb.urlpatterns,
    *growth_archive.urlpatterns,
]
