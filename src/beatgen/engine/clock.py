"""The build's clock: `--now`, else SOURCE_DATE_EPOCH, else the wall clock, so builds are reproducible."""

from __future__ import annotations

import os
from datetime import UTC, datetime

from beatgen.diagnostics import ConfigError, error

YEARS = (1000, 9998)


def resolve_now(now: str | None, environ: dict[str, str] | None = None) -> tuple[datetime, str]:
    """The instant the build treats as now, and where it came from; a malformed clock is a usage error."""
    environ = dict(os.environ) if environ is None else environ
    if now:
        try:
            value = datetime.fromisoformat(now.strip().replace("Z", "+00:00"))
        except ValueError:
            value = None
        return _checked(value, "--now", f"--now must be a date or time such as 2026-03-15T06:00:00Z, got {now!r}")
    epoch = environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            value = datetime.fromtimestamp(int(epoch), UTC) if epoch.isdigit() else None
        except (OverflowError, OSError, ValueError):
            value = None
        return _checked(value, "SOURCE_DATE_EPOCH", "SOURCE_DATE_EPOCH must be a count of seconds since "
                                                    f"1970-01-01 such as 1773554400, got {epoch!r}")
    return datetime.now(UTC).replace(microsecond=0), "the wall clock"


def _checked(value: datetime | None, source: str, message: str) -> tuple[datetime, str]:
    if value is None or not YEARS[0] <= value.year <= YEARS[1]:
        raise ConfigError([error("(command line)" if source == "--now" else "(environment)", 1, 1, "bad-clock",
                                 message)])
    return (value if value.tzinfo else value.replace(tzinfo=UTC)), source
