"""The foreign key to the request is named ``msa_request`` (the model is Request)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("enrollment", "0008_request_one_name"),
        ("scheduling", "0004_visit_state_lifecycle"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="visit", name="one_booked_visit_per_request"),
        migrations.RenameField(model_name="visit", old_name="application", new_name="msa_request"),
        migrations.RenameField(model_name="historicalvisit", old_name="application", new_name="msa_request"),
        migrations.RenameField(model_name="unplaceablereport", old_name="application", new_name="msa_request"),
        migrations.AddConstraint(model_name="visit", constraint=models.UniqueConstraint(condition=models.Q(('state', 'booked')), fields=('msa_request',), name='one_booked_visit_per_request')),
    ]
