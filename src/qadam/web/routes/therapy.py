"""URLs of the therapy screens."""

urlpatterns: list = []
