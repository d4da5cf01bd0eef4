"""One module per area (jobs, catalog, commerce, ...) declaring its ``SCENARIOS`` and ``SEEDERS``.

A module here must not import Django at import time: the bench driver imports it without
Django; seeders import what they need inside the function (they run after ``django.setup()``).
"""
