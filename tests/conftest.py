"""Test configuration: hypothesis profiles.

Profiles, picked by ``SKQUANTILE_HYPOTHESIS_PROFILE`` (default ``ci``):

- ``ci``: derandomised and reproducible, no example database, no deadline.
- ``dev``: randomised, for exploring locally.
- ``nightly``: 1000 examples per property.
"""

import os

from hypothesis import settings

settings.register_profile(
    "ci", derandomize=True, database=None, deadline=None, print_blob=True
)
settings.register_profile("dev", deadline=None, print_blob=True)
settings.register_profile("nightly", max_examples=1000, deadline=None, print_blob=True)
settings.load_profile(os.environ.get("SKQUANTILE_HYPOTHESIS_PROFILE", "ci"))
