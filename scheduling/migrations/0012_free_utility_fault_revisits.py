"""Free the revisits of visits that failed on the utility's side before that was automatic.

Until issue 16 a visit recorded as failed with the utility at fault left its request in
"visit failed", owing a new site-visit fee. Since then ``request_record_visit_outcome`` sends
such a request straight back to the scheduler, writing the step whose note
``enrollment.selectors.revisit_is_free`` recognises. This takes every request still waiting
in "visit failed" whose latest visit failed on the utility's side the same step, so no page,
API or checkout asks it for a fee; the scheduler's periodic run (every 15 minutes) books it.

Here rather than in enrollment: the fault is recorded on the visit, which lives in scheduling.
"""

from django.db import migrations
from django.utils import timezone

# enrollment.selectors.FREE_REVISIT_NOTE, copied: a migration keeps the words it was written with.
FREE_REVISIT_NOTE = (
    "The visit failed on the utility's side: the next visit is free, no new fee is due."
)


def free_utility_fault_revisits(apps, schema_editor):
    Request = apps.get_model("enrollment", "Request")
    RequestEvent = apps.get_model("enrollment", "RequestEvent")
    Visit = apps.get_model("scheduling", "Visit")
    freed = []
    for msa_request_id in Request.objects.filter(status="visit_failed").values_list(
        "pk", flat=True
    ):
        latest = (
            Visit.objects.filter(msa_request_id=msa_request_id)
            .exclude(state__in=["cancelled", "moved"])
            .order_by("-date", "-pk")
            .values_list("state", "utility_fault")
            .first()
        )
        if latest == ("failed", True):
            freed.append(msa_request_id)
    if not freed:
        return
    Request.objects.filter(pk__in=freed, status="visit_failed").update(
        status="approved", updated_at=timezone.now()
    )
    RequestEvent.objects.bulk_create(
        RequestEvent(
            msa_request_id=msa_request_id,
            from_status="visit_failed",
            to_status="approved",
            note=FREE_REVISIT_NOTE,
            note_data={"text": FREE_REVISIT_NOTE, "params": {}},
        )
        for msa_request_id in freed
    )


class Migration(migrations.Migration):
    dependencies = [
        ("enrollment", "0020_request_unknown_apart_and_photo_answers"),
        ("scheduling", "0011_technician_phone_e164"),
    ]

    operations = [migrations.RunPython(free_utility_fault_revisits, migrations.RunPython.noop)]
