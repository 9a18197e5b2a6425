from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class MsaPortalConfig(AppConfig):
    name = "msa_portal"
    verbose_name = "MSA Portal"

    def ready(self) -> None:
        # Register every app's tasks in web processes too, so a task a lower app sends by name
        # (enrollment asking scheduling to run) is known here and runs in-process when eager.
        autodiscover_modules("tasks")
