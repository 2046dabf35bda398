"""Reads of the registries, always scoped by the user's units (core.scoping.restrict)."""
