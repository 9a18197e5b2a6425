from django.apps import AppConfig


class BackofficeConfig(AppConfig):
    """The staff back office: screens that compose several apps. It has no models of its own."""

    name = "backoffice"
    verbose_name = "Back office"
