"""``python manage.py import_meters FILE.csv``: load or update meter records, all or nothing."""

from eligibility.importing import meters_import
from eligibility.management.csv_command import CsvImportCommand


class Command(CsvImportCommand):
    help = "Load or update meter records from a CSV file; nothing is loaded if any row is wrong."
    importer = staticmethod(meters_import)
