"""The staff back office's admin: the request admin, registered on Django's admin site."""

from . import requests  # noqa: F401  (registers the request admin)
