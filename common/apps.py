from django.apps import AppConfig


class CommonConfig(AppConfig):
    """Registers the shared template tags (``{% load portal %}``); no models."""

    name = "common"
    verbose_name = "Shared library"
