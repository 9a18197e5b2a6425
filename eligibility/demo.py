"""Sample Approved Product List and meter records for the demo, through the import code."""

from pathlib import Path

from .importing import apl_import, meters_import

SAMPLE_DATA = Path(__file__).resolve().parent / "sample_data"


def seed(*, stdout) -> list[str]:
    apl = apl_import(text=(SAMPLE_DATA / "sample_apl.csv").read_text(encoding="utf-8"))
    meters = meters_import(text=(SAMPLE_DATA / "sample_meters.csv").read_text(encoding="utf-8"))
    return [
        f"Sample Approved Product List: {apl}",
        f"Sample meter records: {meters}",
        "  demo customer's meter: service account 8000000001, meter M1000001",
    ]
