app_name = "kompetensi"

urlpatterns: list = []
