from django.apps import AppConfig


class CommonConfig(AppConfig):
    """Registers the shared template tags (``{% load portal %}``) and the email outbox."""

    name = "common"
    verbose_name = "Shared library"
