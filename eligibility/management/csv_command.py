"""The shared shape of ``import_apl`` and ``import_meters``: read a CSV file, load it or explain."""

from collections.abc import Callable
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from eligibility.importing import CsvImportError


class CsvImportCommand(BaseCommand):
    """Load a CSV through ``importer``; every problem is printed and nothing is loaded."""

    importer: Callable[..., object]

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="CSV file with a header row")

    def handle(self, *args, file: Path, **options):
        try:
            # Bytes: the importer recognises what Excel writes (UTF-8 with a BOM, Windows-1252).
            text = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"cannot read {file}: {exc}") from exc
        try:
            summary = self.importer(text=text)
        except CsvImportError as exc:
            for problem in exc.problems:
                self.stderr.write(f"{file}: {problem}")
            raise CommandError(
                f"{file}: {len(exc.problems)} problem(s); nothing was loaded."
            ) from exc
        self.stdout.write(self.style.SUCCESS(f"{file}: {summary}"))
