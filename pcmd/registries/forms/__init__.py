"""Forms of the registry pages, one module per area. They only clean input; the services
validate, save and audit."""
