"""Pages of the programme app, one module per area; each module lists its own
`urlpatterns`."""
