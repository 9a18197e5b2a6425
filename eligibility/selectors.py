"""Reads the rules need: the chosen APL entry and the utility's meter record."""

from .catalog import apl_copy, apl_snapshot
from .models import ApprovedProduct, MeterRecord
from .rules import CheckContext, Report, SiteFacts, evaluate

METER_RECORD_FACTS = (
    "meter_self_contained",
    "service_phase",
    "service_wires",
    "service_voltage",
    "panel_rating_amps",
)


def device_snapshot(device_id: int | None) -> dict | None:
    """Return the APL entry as plain data, or None when there is no such entry."""
    if device_id is None:
        return None
    product = ApprovedProduct.objects.filter(pk=device_id).first()
    return product.snapshot() if product else None


def meter_record_for(
    *, service_account_number: str | None, meter_number: str | None
) -> dict | None:
    """Return the meter record matching both numbers as plain data, or None."""
    if not service_account_number or not meter_number:
        return None
    record = MeterRecord.objects.filter(
        service_account_number=service_account_number, meter_number=meter_number
    ).first()
    if record is None:
        return None
    return {name: getattr(record, name) for name in METER_RECORD_FACTS}


def meter_record_summary(
    *, service_account_number: str | None, meter_number: str | None
) -> dict | None:
    """Return what the record says about a site (address and service), or None when no match.

    Only for a signed-in applicant who typed both numbers: the public pre-check never calls it.
    """
    if not service_account_number or not meter_number:
        return None
    record = MeterRecord.objects.filter(
        service_account_number=service_account_number, meter_number=meter_number
    ).first()
    if record is None:
        return None
    return {
        "premises_street": record.service_address,
        "premises_city": record.city,
        "premises_zip": (record.zip_code or "")[:5],
        "residential": record.residential,
        **{name: getattr(record, name) for name in METER_RECORD_FACTS},
    }


def check_site_facts(
    facts: SiteFacts,
    *,
    lookup_meter: bool = False,
    filed_by_contractor: bool = False,
    authorization_on_file: bool = False,
    authorization_in_review: bool = False,
    open_duplicate: bool | None = None,
    device: dict | None = None,
    device_from_copy: bool = False,
) -> Report:
    """Look up what the rules need and evaluate them.

    ``device`` may pass a stored APL snapshot so a past request is judged against the entry as it
    was; otherwise the current entry is read, from the process's copy of the list when
    ``device_from_copy`` (the public pre-check: no query on a warm copy). The public pre-check
    leaves ``lookup_meter`` off so it never reveals whether an account and meter exist.
    """
    context = CheckContext(
        device=device
        if device is not None
        else (apl_snapshot if device_from_copy else device_snapshot)(facts.device),
        meter_lookup_done=lookup_meter,
        meter_record=meter_record_for(
            service_account_number=facts.service_account_number,
            meter_number=facts.meter_number,
        )
        if lookup_meter
        else None,
        filed_by_contractor=filed_by_contractor,
        authorization_on_file=authorization_on_file,
        authorization_in_review=authorization_in_review,
        open_duplicate=open_duplicate,
    )
    return evaluate(facts, context)


def active_products(
    *, adapter_type: str | None = None, manufacturer: str | None = None
) -> list[ApprovedProduct]:
    """Active APL entries customers can choose from, optionally of one type or maker.

    Read from the process's copy of the list (``catalog``), in the list's order.
    """
    return [
        product
        for product in apl_copy().active
        if (not adapter_type or product.adapter_type == adapter_type)
        and (not manufacturer or product.manufacturer == manufacturer)
    ]


def product_manufacturers() -> list[str]:
    """Makers with at least one active entry, for the public list's filter."""
    return sorted({product.manufacturer for product in apl_copy().active})
