"""``python manage.py import_meters FILE.csv``: load or update meter records, all or nothing."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from eligibility.importing import CsvImportError, meters_import


class Command(BaseCommand):
    help = "Load or update meter records from a CSV file; nothing is loaded if any row is wrong."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="CSV file with a header row")

    def handle(self, *args, file: Path, **options):
        try:
            text = file.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"cannot read {file}: {exc}") from exc
        try:
            summary = meters_import(text=text)
        except CsvImportError as exc:
            for problem in exc.problems:
                self.stderr.write(f"{file}: {problem}")
            raise CommandError(
                f"{file}: {len(exc.problems)} problem(s); nothing was loaded."
            ) from exc
        self.stdout.write(self.style.SUCCESS(f"{file}: {summary}"))
