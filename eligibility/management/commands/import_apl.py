"""``python manage.py import_apl FILE.csv``: load or update the APL, all or nothing."""

from eligibility.importing import apl_import
from eligibility.management.csv_command import CsvImportCommand


class Command(CsvImportCommand):
    help = "Load or update the Approved Product List from CSV; nothing loads if any row is wrong."
    importer = staticmethod(apl_import)
