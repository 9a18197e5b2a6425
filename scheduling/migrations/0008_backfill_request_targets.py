"""Store each submitted request's visit target, derived from its pauses (enrollment 0011).

Here rather than in enrollment: the closures staff changed live in scheduling. The arithmetic is
the one the services use from now on (``common.business_days``), the pauses are read from the
audit events as the SLA used to read them.
"""

from collections import defaultdict

from django.conf import settings
from django.db import migrations
from django.db.models import Q
from django.utils import timezone

from common.business_days import calendar_for

BATCH = 2000


def backfill(apps, schema_editor):
    Request = apps.get_model("enrollment", "Request")
    RequestEvent = apps.get_model("enrollment", "RequestEvent")
    UtilityHoliday = apps.get_model("scheduling", "UtilityHoliday")
    rows = list(UtilityHoliday.objects.values_list("date", "closed"))
    calendar = calendar_for(
        frozenset(day for day, closed in rows if closed),
        frozenset(day for day, closed in rows if not closed),
    )
    target_days = settings.MSA_TARGET_BUSINESS_DAYS
    pending = Request.objects.filter(submitted_at__isnull=False, target_date__isnull=True)
    ids = list(pending.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        events = defaultdict(list)
        for msa_request_id, from_status, to_status, created_at in (
            RequestEvent.objects.filter(msa_request_id__in=chunk)
            .filter(Q(from_status="info_requested") | Q(to_status="info_requested"))
            .order_by("created_at", "pk")
            .values_list("msa_request_id", "from_status", "to_status", "created_at")
        ):
            events[msa_request_id].append((from_status, to_status, created_at))
        changed = []
        for msa_request in Request.objects.filter(pk__in=chunk):
            submitted = timezone.localdate(msa_request.submitted_at)
            due = calendar.nth_business_day_after(submitted, target_days)
            paused, started = 0, None
            for from_status, to_status, created_at in events[msa_request.pk]:
                if from_status == to_status:
                    continue
                if to_status == "info_requested" and started is None:
                    started = timezone.localdate(created_at)
                elif from_status == "info_requested" and started is not None:
                    paused += max(
                        calendar.business_days_between(started, timezone.localdate(created_at)), 0
                    )
                    started = None
            msa_request.target_date = calendar.nth_business_day_after(due, paused)
            msa_request.paused_business_days = paused
            if started is not None and msa_request.status == "info_requested":
                msa_request.target_paused_on = started
                msa_request.target_days_left_when_paused = calendar.business_days_between(
                    started, msa_request.target_date
                )
            changed.append(msa_request)
        Request.objects.bulk_update(
            changed,
            [
                "target_date",
                "paused_business_days",
                "target_paused_on",
                "target_days_left_when_paused",
            ],
        )


class Migration(migrations.Migration):
    dependencies = [
        ("enrollment", "0011_request_target_date"),
        ("scheduling", "0007_holiday_open_days"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
