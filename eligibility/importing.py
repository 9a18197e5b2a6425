"""Load a CSV file through a resource, all or nothing, reporting problems by line number."""

import csv
import io
from dataclasses import dataclass

import tablib
from django.core.exceptions import NON_FIELD_ERRORS
from django.db import transaction
from django.utils.translation import gettext as _
from import_export.resources import ModelResource

from .resources import ApprovedProductResource, MeterRecordResource


class CsvImportError(Exception):
    """The file was not loaded; ``problems`` says why, line by line."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class ImportSummary:
    created: int
    updated: int
    unchanged: int

    def __str__(self) -> str:
        return _("%(created)d created, %(updated)d updated, %(unchanged)d unchanged.") % {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
        }


def decode_csv(data: bytes) -> str:
    """Return a CSV file's text as Excel saves it: UTF-8 (with or without BOM) or Windows-1252."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        utf8_error = exc
    try:
        # Excel's plain "CSV (Comma delimited)" on Windows writes Windows-1252.
        return data.decode("cp1252")
    except UnicodeDecodeError:
        line = data.count(b"\n", 0, utf8_error.start) + 1
        raise CsvImportError(
            [
                _(
                    "line %(line)d: the file is neither UTF-8 nor Windows-1252 text. In Excel, "
                    'save it again as "CSV UTF-8 (Comma delimited)".'
                )
                % {"line": line}
            ]
        ) from None


def _delimiter(text: str) -> str:
    """Comma, or the semicolon Excel uses where the decimal separator is a comma."""
    header = text.split("\n", 1)[0]
    return ";" if header.count(";") > header.count(",") else ","


def _without_trailing_blanks(values: list[str], width: int) -> list[str]:
    # Excel keeps empty cells to the right of the table as ",,,": drop them.
    while len(values) > width and not values[-1].strip():
        values = values[:-1]
    return values


def _read(text: str, resource: ModelResource) -> tuple[tablib.Dataset, list[int]]:
    """Parse and check the file's shape; return the rows and each row's line number."""
    text = text.removeprefix("\ufeff")
    reader = csv.reader(io.StringIO(text), delimiter=_delimiter(text))
    try:
        headers = [h.strip() for h in next(reader)]
    except StopIteration:
        raise CsvImportError([_("The file is empty.")]) from None
    while headers and not headers[-1]:
        headers.pop()
    problems = []
    blank = [str(number) for number, header in enumerate(headers, start=1) if not header]
    if blank:
        problems.append(
            _("line 1: column %(numbers)s has no name; name it or delete the column")
            % {"numbers": ", ".join(blank)}
        )
    known = [f.column_name for f in resource.get_import_fields()]
    unknown = [h for h in headers if h and h not in known]
    if unknown:
        problems.append(
            _("line 1: unknown columns %(unknown)s (known columns: %(known)s)")
            % {"unknown": ", ".join(unknown) or '""', "known": ", ".join(known)}
        )
    missing = [c for c in resource.required_columns if c not in headers]
    if missing:
        problems.append(_("line 1: missing columns %(missing)s") % {"missing": ", ".join(missing)})
    repeated = sorted({h for h in headers if headers.count(h) > 1})
    if repeated:
        problems.append(
            _("line 1: columns named twice: %(names)s") % {"names": ", ".join(repeated)}
        )
    if problems:
        raise CsvImportError(problems)

    key_columns = [headers.index(k) for k in resource.get_import_id_fields()]
    rows, lines, seen = [], [], {}
    line = reader.line_num
    for values in reader:
        start, line = line + 1, reader.line_num
        if not any(v.strip() for v in values):
            continue  # blank lines are harmless
        values = _without_trailing_blanks(values, len(headers))
        if len(values) != len(headers):
            problems.append(
                _("line %(line)d: %(found)d values for %(expected)d columns")
                % {"line": start, "found": len(values), "expected": len(headers)}
            )
            continue
        values = [v.strip() for v in values]
        key = tuple(values[i].casefold() for i in key_columns)
        if key in seen:
            problems.append(
                _("line %(line)d: duplicate of line %(first)d (%(key)s)")
                % {
                    "line": start,
                    "first": seen[key],
                    "key": " / ".join(values[i] for i in key_columns),
                }
            )
            continue
        seen[key] = start
        rows.append(values)
        lines.append(start)
    if problems:
        raise CsvImportError(problems)
    if not rows:
        raise CsvImportError([_("The file has no rows to load.")])
    return tablib.Dataset(*rows, headers=headers), lines


def import_csv(text: str, resource: ModelResource) -> ImportSummary:
    """Load every row of ``text`` or none of them; raise CsvImportError listing each problem."""
    dataset, lines = _read(text, resource)
    with transaction.atomic():
        result = resource.import_data(
            dataset,
            dry_run=False,
            use_transactions=True,
            rollback_on_validation_errors=True,
        )
        problems = []
        for invalid in result.invalid_rows:
            for field, messages in invalid.error_dict.items():
                label = "" if field == NON_FIELD_ERRORS else f"{field}: "
                for message in messages:
                    problems.append(
                        _("line %(line)d: %(label)s%(message)s")
                        % {"line": lines[invalid.number - 1], "label": label, "message": message}
                    )
        for number, errors in result.row_errors():
            for error in errors:
                problems.append(
                    _("line %(line)d: %(message)s")
                    % {"line": lines[number - 1], "message": error.error}
                )
        for error in result.base_errors:
            problems.append(str(error.error))
        if problems:
            transaction.set_rollback(True)
            raise CsvImportError(sorted(problems, key=_line_order))
    totals = result.totals
    return ImportSummary(
        created=totals.get("new", 0),
        updated=totals.get("update", 0),
        unchanged=totals.get("skip", 0),
    )


def _line_order(problem: str) -> int:
    head = problem.split(":", 1)[0]
    return int(head.rsplit(" ", 1)[-1]) if head.rsplit(" ", 1)[-1].isdigit() else 0


def apl_import(*, text: str | bytes) -> ImportSummary:
    """Load or update Approved Product List entries from CSV, keyed by maker and model number."""
    if isinstance(text, bytes):
        text = decode_csv(text)
    return import_csv(text, ApprovedProductResource())


def meters_import(*, text: str | bytes) -> ImportSummary:
    """Load or update meter records from CSV, keyed by meter number."""
    if isinstance(text, bytes):
        text = decode_csv(text)
    return import_csv(text, MeterRecordResource())
