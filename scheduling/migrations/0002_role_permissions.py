"""Give the staff roles their scheduling permissions (the roles themselves are accounts')."""

from django.db import migrations

from accounts import roles

SCHEDULING = [
    (model, f"{action}_{model}")
    for model in ("technician", "appointmentwindow", "timeoff", "visit")
    for action in ("view", "add", "change")
] + [("unplaceablereport", "view_unplaceablereport"), ("utilityholiday", "view_utilityholiday")]

GRANTS = {
    roles.SCHEDULER: [("scheduling", model, codename) for model, codename in SCHEDULING],
    roles.PROGRAM_ADMIN: [
        ("scheduling", "utilityholiday", f"{action}_utilityholiday")
        for action in ("view", "add", "change")
    ],
    roles.REVIEWER: [("scheduling", "visit", "view_visit")],
}


def forwards(apps, schema_editor):
    roles.grant(apps, GRANTS)


def backwards(apps, schema_editor):
    roles.revoke(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [
        ("scheduling", "0001_initial"),
        ("accounts", "0004_staff_roles"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
