"""API authentication: the browser session (with CSRF) or a bearer token."""

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        from pcmd.accounts.models import ApiToken, hash_token

        record = (
            ApiToken.objects.select_related("user")
            .filter(key_hash=hash_token(token), revoked=False)
            .first()
        )
        if record is None or not record.is_active or not record.user.is_active:
            return None
        # At most one write a minute per token, so reads do not all become writes.
        now = timezone.now()
        if record.last_used is None or (now - record.last_used).total_seconds() > 60:
            ApiToken.objects.filter(pk=record.pk).update(last_used=now)
        request.user = record.user
        return record.user


api_auth = [SessionAuth(), TokenAuth()]
