"""URLs of the reports screens."""

urlpatterns: list = []
