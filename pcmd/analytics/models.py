"""What the roll-up engine needs besides reports: a marker that bulk loads happened."""

from django.db import models


class DataEpoch(models.Model):
    """Appended after a bulk load (demo data, benchmark, large import) or a change of the
    catalogue or the unit tree: engines in every process then reload everything, since
    such loads write no per-report events."""

    at = models.DateTimeField(auto_now_add=True)
    reason = models.CharField(max_length=200)

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.reason}"
