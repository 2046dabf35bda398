"""Writes of the registries; each write is audited here."""
