"""Files as Excel saves them load, or are refused with a message that says what to change."""

import datetime as dt
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from eligibility.models import ApprovedProduct, MeterRecord

pytestmark = pytest.mark.django_db

APL_HEADER = (
    "manufacturer,model_name,model_number,adapter_type,request_types,rated_current_amps,"
    "compatible_socket_forms,ring_requirement,status,approved_on"
)
APL_ROW = "Niño & Co,Isolator,A-1,isolating,install,200,2S,any,active,{date}"
METER_HEADER = (
    "service_account_number,meter_number,service_address,city,zip_code,residential,"
    "meter_self_contained,service_phase,service_wires,service_voltage,panel_rating_amps"
)
METER_ROW = "8000000001,M0000001,1 Peña St,Rosemead,91770,1,1,1,3,120/240,200"


def write(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "excel.csv"
    path.write_bytes(data)
    return path


def load(command: str, path: Path, capsys) -> str:
    call_command(command, str(path))
    return capsys.readouterr().out


def refuse(command: str, path: Path, capsys) -> str:
    with pytest.raises(CommandError, match="nothing was loaded"):
        call_command(command, str(path))
    return capsys.readouterr().err


def apl(date: str = "2026-01-15", *, sep: str = ",", trailer: str = "") -> str:
    return (
        APL_HEADER.replace(",", sep)
        + trailer
        + "\r\n"
        + APL_ROW.format(date=date).replace(",", sep)
        + trailer
        + "\r\n"
    )


def test_a_utf8_file_with_a_byte_order_mark_loads(tmp_path, capsys):
    out = load("import_apl", write(tmp_path, b"\xef\xbb\xbf" + apl().encode()), capsys)

    assert "1 created" in out
    assert ApprovedProduct.objects.get().manufacturer == "Niño & Co"


def test_a_windows_1252_file_from_excel_loads_with_its_accents(tmp_path, capsys):
    data = (METER_HEADER + "\r\n" + METER_ROW + "\r\n").encode("cp1252")

    out = load("import_meters", write(tmp_path, data), capsys)

    assert "1 created" in out
    assert MeterRecord.objects.get().service_address == "1 Peña St"


def test_a_semicolon_separated_file_loads(tmp_path, capsys):
    out = load("import_apl", write(tmp_path, apl(sep=";").encode()), capsys)

    assert "1 created" in out


def test_trailing_empty_columns_excel_keeps_are_ignored(tmp_path, capsys):
    out = load("import_apl", write(tmp_path, apl(trailer=",,,").encode()), capsys)

    assert "1 created" in out
    assert "unknown columns" not in out


def test_a_us_date_as_excel_writes_it_loads(tmp_path, capsys):
    load("import_apl", write(tmp_path, apl("1/15/2026").encode()), capsys)

    assert ApprovedProduct.objects.get().approved_on == dt.date(2026, 1, 15)


def test_a_date_that_cannot_be_read_names_the_formats_to_use(tmp_path, capsys):
    err = refuse("import_apl", write(tmp_path, apl("15.01.2026").encode()), capsys)

    assert "line 2" in err
    assert "2026-01-15 or 1/15/2026 (month/day/year)" in err
    assert ApprovedProduct.objects.count() == 0


def test_an_unnamed_column_in_the_middle_is_refused_by_its_number(tmp_path, capsys):
    data = (METER_HEADER.replace(",city,", ",,") + "\n" + METER_ROW + "\n").encode()

    err = refuse("import_meters", write(tmp_path, data), capsys)

    assert "line 1: column 4 has no name; name it or delete the column" in err


def test_a_file_in_neither_utf8_nor_windows_1252_says_how_to_save_it(tmp_path, capsys):
    # 0x81 is undefined in Windows-1252 and not UTF-8 on its own.
    data = (METER_HEADER + "\n" + METER_ROW + "\n").encode() + b"8000000002,M2,\x81,x\n"

    err = refuse("import_meters", write(tmp_path, data), capsys)

    assert "line 3" in err
    assert "CSV UTF-8 (Comma delimited)" in err
