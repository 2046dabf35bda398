"""Pages of the registries, one module per area; each module lists its own `urlpatterns`."""
