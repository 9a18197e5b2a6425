"""Create the staff groups with least privilege, and the custom decision / export permissions.

The permission map is frozen here on purpose: a later change of roles is a new migration.
Scheduling (visits, technicians, holidays) and payments (refunds, the fee) permissions are added to
these groups by those apps' migrations, once their models exist.
"""

from django.db import migrations

# (app_label, model, codename, name): custom permissions, and the default ones the groups need,
# created here because Django only creates default permissions after all migrations ran.
PERMISSIONS = [
    ("enrollment", "application", "view_application", "Can view request"),
    ("enrollment", "application", "decide_application", "Can approve, reject or ask about a request"),
    ("enrollment", "application", "export_application", "Can export requests to CSV"),
    ("enrollment", "requestevent", "view_requestevent", "Can view request event"),
    ("enrollment", "rejection", "view_rejection", "Can view rejection"),
    ("eligibility", "approvedproduct", "view_approvedproduct", "Can view Approved Product List entry"),
    ("eligibility", "approvedproduct", "add_approvedproduct", "Can add Approved Product List entry"),
    ("eligibility", "approvedproduct", "change_approvedproduct", "Can change Approved Product List entry"),
    ("eligibility", "meterrecord", "view_meterrecord", "Can view meter record"),
    ("eligibility", "meterrecord", "add_meterrecord", "Can add meter record"),
    ("eligibility", "meterrecord", "change_meterrecord", "Can change meter record"),
    ("accounts", "contractorcompany", "view_contractorcompany", "Can view contractor company"),
    ("accounts", "contractorcompany", "change_contractorcompany", "Can change contractor company"),
]

READ_REQUESTS = [
    "enrollment.view_application",
    "enrollment.view_requestevent",
    "enrollment.view_rejection",
    "eligibility.view_approvedproduct",
    "accounts.view_contractorcompany",
]

GROUPS = {
    "Reviewer": READ_REQUESTS
    + [
        "enrollment.decide_application",
        "enrollment.export_application",
        "eligibility.view_meterrecord",
    ],
    # Visits, technicians and slots permissions come with the scheduling app.
    "Scheduler": READ_REQUESTS,
    # payments.refund_payment and payments.view_payment come with the payments app.
    "Finance": READ_REQUESTS + ["enrollment.export_application"],
    # Holidays (scheduling) and the fee record (payments) come with those apps.
    "Program admin": READ_REQUESTS
    + [
        "enrollment.export_application",
        "eligibility.add_approvedproduct",
        "eligibility.change_approvedproduct",
        "eligibility.view_meterrecord",
        "eligibility.add_meterrecord",
        "eligibility.change_meterrecord",
        "accounts.change_contractorcompany",
    ],
}


def create_roles(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")

    by_name = {}
    for app_label, model, codename, name in PERMISSIONS:
        content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
        permission, _ = Permission.objects.get_or_create(
            content_type=content_type, codename=codename, defaults={"name": name}
        )
        by_name[f"{app_label}.{codename}"] = permission

    for group_name, permission_names in GROUPS.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        group.permissions.add(*(by_name[p] for p in permission_names))


def remove_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Group.objects.filter(name__in=GROUPS).delete()
    Permission.objects.filter(
        content_type__app_label="enrollment",
        codename__in=["decide_application", "export_application"],
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_api_token"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("eligibility", "0001_initial"),
        ("enrollment", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
