"""Give the staff roles their payments permissions (the roles themselves are accounts')."""

from django.db import migrations

from accounts import roles

GRANTS = {
    roles.FINANCE: [
        ("payments", "payment", "view_payment"),
        ("payments", "payment", "refund_payment"),
        ("payments", "payment", "waive_fee"),
        ("payments", "refund", "view_refund"),
    ],
    roles.REVIEWER: [("payments", "payment", "view_payment")],
    roles.SCHEDULER: [("payments", "payment", "view_payment")],
}


def forwards(apps, schema_editor):
    roles.grant(apps, GRANTS)


def backwards(apps, schema_editor):
    roles.revoke(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [
        ("payments", "0001_initial"),
        ("accounts", "0004_staff_roles"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
