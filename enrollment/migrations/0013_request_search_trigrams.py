"""Trigram indexes for the staff list's search (``icontains``), on PostgreSQL only.

Django searches with ``UPPER(column::text) LIKE UPPER('%term%')``, so each index is on
``UPPER(column)`` with ``gin_trgm_ops``. SQLite (local development, the tests) has no pg_trgm:
there both operations do nothing, and the indexes stay out of the model's state so
``makemigrations`` never asks SQLite to build them.
"""

from django.db import migrations

SEARCHED = [
    "service_account_number",
    "customer_account_number",
    "meter_number",
    "customer_name",
    "customer_email",
    "premises_street",
    "premises_city",
]


def _name(column: str) -> str:
    return f"request_trgm_{column}"[:30]


def add(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column in SEARCHED:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {_name(column)} ON enrollment_application "
            f"USING gin ((UPPER({column})) gin_trgm_ops)"
        )


def remove(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in SEARCHED:
        schema_editor.execute(f"DROP INDEX IF EXISTS {_name(column)}")


class Migration(migrations.Migration):
    dependencies = [("enrollment", "0012_request_list_indexes")]

    # The extension is created inside ``add`` rather than with Django's TrigramExtension, whose
    # reverse asks PostgreSQL's catalogue even on SQLite; unapplying leaves it installed, as
    # other indexes may use it.
    operations = [migrations.RunPython(add, remove)]
