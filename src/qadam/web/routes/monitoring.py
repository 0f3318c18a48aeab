"""URLs of the monitoring screens."""

urlpatterns: list = []
