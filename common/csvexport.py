"""CSV downloads streamed row by row, safe to open in a spreadsheet."""

import csv
from collections.abc import Iterable, Iterator

from django.http import StreamingHttpResponse
from django.utils import timezone

# A spreadsheet treats a cell starting with one of these as a formula (CSV injection).
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value) -> str:
    """Return ``value`` as text a spreadsheet will not run as a formula."""
    if value is None:
        return ""
    text = str(value)
    if text.startswith(_FORMULA_PREFIXES):
        return "'" + text
    return text


class _Echo:
    """A file-like object whose write returns the line, for csv.writer in a streaming response."""

    def write(self, value: str) -> str:
        return value


def excel_datetime(value) -> str:
    """Return an aware date-time as local ``YYYY-MM-DD HH:MM:SS`` (empty for None).

    Excel reads this as a date-time; microseconds and a UTC offset make it plain text.
    """
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S") if value else ""


def csv_lines(header: Iterable, rows: Iterable[Iterable]) -> Iterator[str]:
    """Yield a byte-order mark, ``header``, then each row as one CSV line (cells ``csv_safe``).

    The byte-order mark tells Excel the file is UTF-8 ("Zoë", not "ZoÃ«").
    """
    writer = csv.writer(_Echo())
    yield "\ufeff"
    yield writer.writerow([csv_safe(cell) for cell in header])
    for row in rows:
        yield writer.writerow([csv_safe(cell) for cell in row])


def csv_response(
    *, header: Iterable, rows: Iterable[Iterable], filename_prefix: str
) -> StreamingHttpResponse:
    """Stream ``rows`` as a download named ``<filename_prefix>-<local date-time>.csv``.

    ``rows`` is consumed lazily (a queryset's ``iterator()``), so a long export never sits in
    memory whole.
    """
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = StreamingHttpResponse(
        csv_lines(header, rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename_prefix}-{stamp}.csv"'
    # The rows are people's names, addresses and accounts: no shared or browser cache keeps them.
    response["Cache-Control"] = "private, no-store"
    return response
