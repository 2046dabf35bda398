"""Errors a service raises for bad input; views and the API turn them into a 4xx."""

from django.core.exceptions import ValidationError


class ServiceError(ValidationError):
    """A request the service refuses, with a message meant for the user."""
