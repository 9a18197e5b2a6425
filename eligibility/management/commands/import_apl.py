"""``python manage.py import_apl FILE.csv``: load or update the APL, all or nothing."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from eligibility.importing import CsvImportError, apl_import


class Command(BaseCommand):
    help = "Load or update the Approved Product List from CSV; nothing loads if any row is wrong."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="CSV file with a header row")

    def handle(self, *args, file: Path, **options):
        try:
            text = file.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"cannot read {file}: {exc}") from exc
        try:
            summary = apl_import(text=text)
        except CsvImportError as exc:
            for problem in exc.problems:
                self.stderr.write(f"{file}: {problem}")
            raise CommandError(
                f"{file}: {len(exc.problems)} problem(s); nothing was loaded."
            ) from exc
        self.stdout.write(self.style.SUCCESS(f"{file}: {summary}"))
