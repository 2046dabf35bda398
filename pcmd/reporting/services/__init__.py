"""Writes of the reporting app: the catalogue, reports and their workflow, bulk loads."""
