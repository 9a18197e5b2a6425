"""One name for the domain object: the model Application is now Request.

The tables keep their names (``enrollment_application``, ``enrollment_historicalapplication``);
foreign keys are renamed ``msa_request`` (columns ``msa_request_id``), and the request's permission
codenames follow the model's name, so staff groups keep what they were given.
"""

from django.db import migrations, models

OLD_TO_NEW = {
    "add_application": "add_request",
    "change_application": "change_request",
    "delete_application": "delete_request",
    "view_application": "view_request",
    "decide_application": "decide_request",
    "export_application": "export_request",
    "add_historicalapplication": "add_historicalrequest",
    "change_historicalapplication": "change_historicalrequest",
    "delete_historicalapplication": "delete_historicalrequest",
    "view_historicalapplication": "view_historicalrequest",
}


def rename_permissions(apps, schema_editor, mapping=OLD_TO_NEW):
    Permission = apps.get_model("auth", "Permission")
    for old, new in mapping.items():
        Permission.objects.filter(content_type__app_label="enrollment", codename=old).update(
            codename=new
        )


def restore_permissions(apps, schema_editor):
    rename_permissions(apps, schema_editor, {new: old for old, new in OLD_TO_NEW.items()})


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_languages"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("enrollment", "0007_agreement_in_spanish"),
        # Every migration that still names enrollment.Application runs before the rename.
        ("payments", "0004_payment_status_lifecycle"),
        ("scheduling", "0004_visit_state_lifecycle"),
    ]

    operations = [
        migrations.AlterModelTable(name="application", table="enrollment_application"),
        migrations.AlterModelTable(
            name="historicalapplication", table="enrollment_historicalapplication"
        ),
        migrations.RenameModel(old_name="Application", new_name="Request"),
        migrations.RenameModel(old_name="HistoricalApplication", new_name="HistoricalRequest"),
        migrations.RemoveConstraint(model_name="eligibilityresult", name="one_eligibility_result_per_rule"),
        migrations.RenameField(model_name="requestevent", old_name="application", new_name="msa_request"),
        migrations.RenameField(model_name="agreementsignature", old_name="application", new_name="msa_request"),
        migrations.RenameField(model_name="document", old_name="application", new_name="msa_request"),
        migrations.RenameField(model_name="rejection", old_name="application", new_name="msa_request"),
        migrations.RenameField(model_name="eligibilityresult", old_name="application", new_name="msa_request"),
        migrations.RenameField(model_name="customerauthorization", old_name="application", new_name="msa_request"),
        migrations.RenameField(model_name="authorizationlink", old_name="application", new_name="msa_request"),
        migrations.AddConstraint(model_name="eligibilityresult", constraint=models.UniqueConstraint(fields=('msa_request', 'code'), name='one_eligibility_result_per_rule')),
        migrations.RunPython(rename_permissions, restore_permissions),
    ]
