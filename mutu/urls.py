from .views import cycles, good_practice, money

app_name = "mutu"

# Each module owns its patterns: cycles (board, plan, do, check, act); money (funding view,
# entrepreneurship log); good practice.
urlpatterns = [
    *cycles.urlpatterns,
    *money.urlpatterns,
    *good_practice.urlpatterns,
]
