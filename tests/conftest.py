"""Tests outside the package (browser, settings) share the package's personas and guards."""

from panah.conftest import *  # noqa: F403
