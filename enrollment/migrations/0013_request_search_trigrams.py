"""Trigram indexes for the staff list's search (``icontains``), on PostgreSQL only.

Django searches with ``UPPER(column::text) LIKE UPPER('%term%')``, so each index is on
``UPPER(column)`` with ``gin_trgm_ops``. SQLite (local development, the tests) has no pg_trgm:
there both operations do nothing, and the indexes stay out of the model's state so
``makemigrations`` never asks SQLite to build them.
"""

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations
from django.db.models.functions import Upper

SEARCHED = [
    "service_account_number",
    "customer_account_number",
    "meter_number",
    "customer_name",
    "customer_email",
    "premises_street",
    "premises_city",
]


def _indexes():
    return [
        GinIndex(OpClass(Upper(name), name="gin_trgm_ops"), name=f"request_trgm_{name}"[:30])
        for name in SEARCHED
    ]


def add(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    model = apps.get_model("enrollment", "Request")
    for index in _indexes():
        schema_editor.add_index(model, index)


def remove(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    model = apps.get_model("enrollment", "Request")
    for index in _indexes():
        schema_editor.remove_index(model, index)


class Migration(migrations.Migration):
    dependencies = [("enrollment", "0012_request_list_indexes")]

    operations = [TrigramExtension(), migrations.RunPython(add, remove)]
