from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class SchedulingConfig(AppConfig):
    name = "scheduling"
    verbose_name = "Scheduling"

    def ready(self):
        # A cache's invalidation hooks the framework's saves; it carries no business flow.
        from .calendar import calendar_changed
        from .models import UtilityHoliday

        post_save.connect(calendar_changed, sender=UtilityHoliday, dispatch_uid="calendar_save")
        post_delete.connect(calendar_changed, sender=UtilityHoliday, dispatch_uid="calendar_delete")
