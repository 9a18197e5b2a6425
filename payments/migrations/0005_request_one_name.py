"""The foreign key to the request is named ``msa_request`` (the model is Request)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("enrollment", "0008_request_one_name"),
        ("payments", "0004_payment_status_lifecycle"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="payment", name="one_live_fee_per_visit"),
        migrations.RenameField(model_name="payment", old_name="application", new_name="msa_request"),
        migrations.RenameField(model_name="historicalpayment", old_name="application", new_name="msa_request"),
        migrations.AddConstraint(model_name="payment", constraint=models.UniqueConstraint(condition=models.Q(('status__in', ['pending', 'succeeded', 'partially_refunded', 'waived'])), fields=('msa_request', 'visit_number'), name='one_live_fee_per_visit', violation_error_message='This visit already has its fee.')),
    ]
