"""The build's clock: `--now`, else SOURCE_DATE_EPOCH, else the wall clock, so builds are reproducible."""

from __future__ import annotations

import os
from datetime import UTC, datetime


def resolve_now(now: str | None, environ: dict[str, str] | None = None) -> tuple[datetime, str]:
    """The instant the build treats as now, and where it came from."""
    environ = dict(os.environ) if environ is None else environ
    if now:
        value = datetime.fromisoformat(now.replace("Z", "+00:00"))
        return (value if value.tzinfo else value.replace(tzinfo=UTC)), "--now"
    epoch = environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), UTC), "SOURCE_DATE_EPOCH"
    return datetime.now(UTC).replace(microsecond=0), "the wall clock"
