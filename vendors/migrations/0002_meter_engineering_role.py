"""Create the Meter engineering staff role: evaluates vendors' devices and decides on them.

The permission map is frozen here on purpose: a later change of the role is a new migration.
"""

from django.db import migrations

from accounts.roles import grant, revoke

GRANTS = {
    "Meter engineering": [
        ("vendors", "deviceevaluation", "view_deviceevaluation"),
        ("vendors", "deviceevaluation", "decide_deviceevaluation"),
        ("vendors", "evaluationfile", "view_evaluationfile"),
        ("vendors", "evaluationevent", "view_evaluationevent"),
        ("vendors", "evaluationmessage", "view_evaluationmessage"),
        ("vendors", "standardreview", "view_standardreview"),
        ("vendors", "standardreview", "change_standardreview"),
        ("eligibility", "approvedproduct", "view_approvedproduct"),
        ("accounts", "contractorcompany", "view_contractorcompany"),
    ],
}


def create_role(apps, schema_editor):
    grant(apps, GRANTS)


def remove_role(apps, schema_editor):
    revoke(apps, GRANTS)
    apps.get_model("auth", "Group").objects.filter(name__in=GRANTS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("vendors", "0001_initial"),
        ("accounts", "0008_company_kind_vendor_role"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_role, remove_role)]
