"""Errors a service raises for bad input; views and the API turn them into a 4xx."""

from django.core.exceptions import ValidationError


class ServiceError(ValidationError):
    """A request the service refuses, with a message meant for the user."""


def refusal_text(exc: Exception) -> str:
    """What a refusal says, in one line for the user (a ServiceError may hold several)."""
    return " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
