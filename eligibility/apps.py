from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class EligibilityConfig(AppConfig):
    name = "eligibility"
    verbose_name = "Eligibility and Approved Product List"

    def ready(self):
        # A cache's invalidation hooks the framework's saves; it carries no business flow.
        from .catalog import apl_changed
        from .models import ApprovedProduct

        post_save.connect(apl_changed, sender=ApprovedProduct, dispatch_uid="apl_changed_save")
        post_delete.connect(apl_changed, sender=ApprovedProduct, dispatch_uid="apl_changed_delete")
