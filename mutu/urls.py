from .cycles import urls as cycles
from .good_practice import urls as good_practice
from .money import urls as money

app_name = "mutu"

# Each sub-domain owns its patterns: cycles (board, plan, do, check, act); money (funding view,
# entrepreneurship log); good practice.
urlpatterns = [
    *cycles.urlpatterns,
    *money.urlpatterns,
    *good_practice.urlpatterns,
]
