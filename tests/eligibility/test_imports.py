"""import_apl / import_meters: good files, bad rows by line number, all or nothing, re-imports."""

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from eligibility import demo
from eligibility.models import ApprovedProduct, MeterRecord

pytestmark = pytest.mark.django_db

APL_HEADER = (
    "manufacturer,model_name,model_number,adapter_type,request_types,rated_current_amps,"
    "compatible_socket_forms,ring_requirement,status\n"
)
METER_HEADER = (
    "service_account_number,meter_number,service_address,city,zip_code,residential,"
    "meter_self_contained,service_phase,service_wires,service_voltage,panel_rating_amps\n"
)


def write(tmp_path: Path, text: str, name: str = "file.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def run(command: str, path: Path, capsys) -> tuple[str, str]:
    call_command(command, str(path))
    captured = capsys.readouterr()
    return captured.out, captured.err


def fail(command: str, path: Path, capsys) -> str:
    with pytest.raises(CommandError, match="nothing was loaded"):
        call_command(command, str(path))
    return capsys.readouterr().err


def test_good_apl_file_loads_every_entry(tmp_path, capsys):
    path = write(
        tmp_path,
        APL_HEADER
        + "Acme,Isolator,A-1,isolating,install|replacement,200,2s,ring,active\n"
        + "Acme,Passer,A-2,non_isolating,install,200,2S;1S,any,active\n",
    )

    out, _ = run("import_apl", path, capsys)

    assert "2 created" in out
    isolator = ApprovedProduct.objects.get(model_number="A-1")
    assert isolator.request_types == ["install", "replacement"]
    assert isolator.compatible_socket_forms == ["2S"]
    assert isolator.ring_requirement == "ring"
    assert ApprovedProduct.objects.get(model_number="A-2").compatible_socket_forms == ["2S", "1S"]


def test_reimport_updates_by_maker_and_model_number_never_duplicates(tmp_path, capsys):
    first = APL_HEADER + "Acme,Isolator,A-1,isolating,install,200,2S,any,active\n"
    run("import_apl", write(tmp_path, first), capsys)
    entry = ApprovedProduct.objects.get()

    second = (
        APL_HEADER
        + "Acme,Isolator Mk2,A-1,isolating,install,200,2S,any,suspended\n"
        + "Acme,Other,A-3,isolating,install,200,2S,any,active\n"
    )
    out, _ = run("import_apl", write(tmp_path, second, "again.csv"), capsys)

    assert "1 created, 1 updated" in out
    assert ApprovedProduct.objects.count() == 2
    entry.refresh_from_db()
    assert (entry.model_name, entry.status) == ("Isolator Mk2", "suspended")
    assert entry.history.count() == 2  # the change is in the entry's history


def test_bad_rows_are_reported_by_line_number_and_nothing_is_loaded(tmp_path, capsys):
    path = write(
        tmp_path,
        APL_HEADER
        + "Acme,Good,A-1,isolating,install,200,2S,any,active\n"
        + "Acme,Bad type,A-2,half_isolating,install,200,2S,any,active\n"
        + "Acme,Bad amps,A-3,isolating,install,lots,2S,any,active\n"
        + "Acme,Bad request,A-4,isolating,install|upgrade,200,2S,any,active\n"
        + "Acme,Short,A-5,isolating\n",
    )

    err = fail("import_apl", path, capsys)

    assert "line 6: 4 values for 9 columns" in err
    assert ApprovedProduct.objects.count() == 0


def test_invalid_values_are_reported_by_line_and_field(tmp_path, capsys):
    path = write(
        tmp_path,
        APL_HEADER
        + "Acme,Good,A-1,isolating,install,200,2S,any,active\n"
        + "Acme,Bad type,A-2,half_isolating,install,200,2S,any,active\n"
        + "Acme,Bad amps,A-3,isolating,install,lots,2S,any,active\n"
        + "Acme,Bad request,A-4,isolating,install|upgrade,200,2S,any,active\n",
    )

    err = fail("import_apl", path, capsys)

    assert "line 3: adapter_type:" in err
    assert "line 4: rated_current_amps:" in err
    assert "line 5: request_types: upgrade" in err
    assert "line 2" not in err
    assert ApprovedProduct.objects.count() == 0  # the good row was not half-loaded


def test_unknown_columns_are_refused(tmp_path, capsys):
    path = write(
        tmp_path,
        APL_HEADER.strip()
        + ",colour\n"
        + "Acme,Good,A-1,isolating,install,200,2S,any,active,red\n",
    )

    err = fail("import_apl", path, capsys)

    assert "line 1: unknown columns colour" in err
    assert ApprovedProduct.objects.count() == 0


def test_missing_required_columns_are_refused(tmp_path, capsys):
    path = write(tmp_path, "manufacturer,model_number\nAcme,A-1\n")

    err = fail("import_apl", path, capsys)

    assert "missing columns model_name, adapter_type, request_types, rated_current_amps" in err


def test_duplicates_in_the_file_are_reported_with_both_lines(tmp_path, capsys):
    path = write(
        tmp_path,
        APL_HEADER
        + "Acme,One,A-1,isolating,install,200,2S,any,active\n"
        + "Acme,Two,A-2,isolating,install,200,2S,any,active\n"
        + "ACME,One again,a-1,isolating,install,200,2S,any,active\n",
    )

    err = fail("import_apl", path, capsys)

    assert "line 4: duplicate of line 2" in err
    assert ApprovedProduct.objects.count() == 0


def test_empty_file_is_refused(tmp_path, capsys):
    assert "empty" in fail("import_apl", write(tmp_path, ""), capsys)
    assert "no rows" in fail("import_apl", write(tmp_path, APL_HEADER, "h.csv"), capsys)


def test_good_meter_file_loads_and_reimport_updates(tmp_path, capsys):
    row = "8000000001,M1000001,1 Main St,Rosemead,91770,1,1,1,3,120/240,{amps}\n"
    run("import_meters", write(tmp_path, METER_HEADER + row.format(amps=200)), capsys)
    out, _ = run("import_meters", write(tmp_path, METER_HEADER + row.format(amps=125), "b"), capsys)

    assert "0 created, 1 updated" in out
    record = MeterRecord.objects.get()
    assert record.panel_rating_amps == 125
    assert record.meter_self_contained is True


def test_bad_meter_rows_are_reported_by_line_number(tmp_path, capsys):
    path = write(
        tmp_path,
        METER_HEADER
        + "8000000001,M1000001,1 Main St,Rosemead,91770,1,1,1,3,120/240,200\n"
        + "9000000001,M1000002,2 Main St,Rosemead,91770,1,1,1,3,120/240,200\n"
        + "8000000003,M1000003,3 Main St,Rosemead,91770,1,1,2,3,120/240,200\n"
        + "8000000004,M1000001,4 Main St,Rosemead,91770,1,1,1,3,120/240,200\n",
    )

    err = fail("import_meters", path, capsys)

    assert "line 5: duplicate of line 2" in err
    assert MeterRecord.objects.count() == 0


def test_meter_field_errors_name_line_and_field(tmp_path, capsys):
    path = write(
        tmp_path,
        METER_HEADER
        + "8000000001,M1000001,1 Main St,Rosemead,91770,1,1,1,3,120/240,200\n"
        + "9000000001,M1000002,2 Main St,Rosemead,91770,1,1,1,3,120/240,200\n"
        + "8000000003,M1000003,3 Main St,Rosemead,91770,1,1,2,3,120/240,200\n",
    )

    err = fail("import_meters", path, capsys)

    assert "line 3: service_account_number:" in err
    assert "line 4: service_phase:" in err
    assert MeterRecord.objects.count() == 0


def test_demo_seed_loads_the_sample_files_idempotently():
    lines = demo.seed(stdout=None)
    demo.seed(stdout=None)

    assert ApprovedProduct.objects.count() == 6
    assert all(p.is_sample for p in ApprovedProduct.objects.all())
    assert MeterRecord.objects.filter(
        service_account_number="8000000001", meter_number="M1000001", is_sample=True
    ).exists()
    tesla = ApprovedProduct.objects.get(manufacturer="Tesla")
    assert tesla.is_isolating
    assert tesla.standards == "UL 414; UL 2735; UL 916"
    assert any("8000000001" in line for line in lines)


def test_exported_csv_imports_back_unchanged():
    from eligibility.importing import apl_import
    from eligibility.resources import ApprovedProductResource

    demo.seed(stdout=None)
    exported = ApprovedProductResource().export().csv

    summary = apl_import(text=exported)

    assert (summary.created, summary.updated, summary.unchanged) == (0, 0, 6)


def test_yes_no_columns_refuse_anything_but_yes_or_no(tmp_path, capsys):
    path = write(
        tmp_path,
        METER_HEADER
        + "8000000001,M1000001,1 Main St,Rosemead,91770,yes,true,1,3,120/240,200\n"
        + "8000000002,M1000002,2 Main St,Rosemead,91770,1,maybe,1,3,120/240,200\n",
    )

    err = fail("import_meters", path, capsys)

    assert "line 3: meter_self_contained: maybe is not yes or no" in err
    assert MeterRecord.objects.count() == 0


def test_the_exports_do_not_hand_a_spreadsheet_a_formula(db):
    from eligibility.resources import ApprovedProductResource, MeterRecordResource
    from tests.factories import ApprovedProductFactory, MeterRecordFactory

    ApprovedProductFactory(manufacturer='=HYPERLINK("http://evil.example","x")')
    MeterRecordFactory(service_address="@SUM(A1:A9)", city="+Rosemead")

    products = ApprovedProductResource().export().csv
    meters = MeterRecordResource().export().csv

    assert "'=HYPERLINK" in products
    assert ",=HYPERLINK" not in products and '"=HYPERLINK' not in products
    assert "'@SUM(A1:A9)" in meters
    assert "'+Rosemead" in meters
