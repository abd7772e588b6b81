"""Hypothesis profiles: `ci` (the default, quick) and `long` (HYPOTHESIS_PROFILE=long, run outside CI:
`make fuzz` gives 100,000 examples to the per-file properties and 2,000 to whole builds, with a fixed seed)."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile("ci", max_examples=100, deadline=None, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.register_profile("long", max_examples=100_000, deadline=None, print_blob=True,
                          suppress_health_check=list(HealthCheck))
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
