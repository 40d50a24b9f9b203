"""Settings of the server that `bench_webhooks.py` starts: Panah's own, with one more view.

Everything comes from `panah.settings` (driven by the same environment variables as
production); only the URL configuration is swapped for `webhooks_urls`, which serves every
Panah URL plus the empty view that measures the framework's ceiling through the same
middleware stack, in the same process.
"""

from panah.settings import *  # noqa: F403

ROOT_URLCONF = "webhooks_urls"
