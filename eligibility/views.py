import hashlib
from urllib.parse import urlencode

from django.shortcuts import render
from django.views.decorators.http import require_GET

from common.page_cache import cache_for_visitors

from .catalog import apl_copy
from .forms import EligibilityCheckForm, ProductFilterForm
from .models import ApprovedProduct
from .rules import SiteFacts
from .selectors import active_products, check_site_facts, product_manufacturers

FILTERS = ("adapter_type", "manufacturer")


def _list_variant(request) -> str | None:
    """The list page's cache ``variant``: the list's version, for filters that are on offer.

    Parameters the page does not know, or a type or maker not on the list, get the page
    rendered and not kept, so what a visitor types cannot fill the cache.
    """
    if any(name not in FILTERS or len(request.GET.getlist(name)) > 1 for name in request.GET):
        return None
    adapter_type = request.GET.get("adapter_type", "")
    manufacturer = request.GET.get("manufacturer", "")
    if adapter_type and adapter_type not in ApprovedProduct.AdapterType.values:
        return None
    if manufacturer and manufacturer not in product_manufacturers():
        return None
    return apl_copy().version


@require_GET
@cache_for_visitors("approved-products", _list_variant)
def product_list(request):
    """The active Approved Product List, filtered by type and manufacturer.

    Read from the process's copy of the list, no query; the page's body is cached per language,
    list version and filter (``page_key``). A filter value that is not on offer is ignored, so the
    filters on offer bound the cached pages. Visitors get the whole page from the cache
    (``cache_for_visitors``), keyed by the list's version, so a change to the list shows at once.
    """
    version = apl_copy().version
    form = ProductFilterForm(request.GET or None, manufacturers=product_manufacturers())
    filters = {}
    if form.is_bound:
        form.is_valid()
        filters = form.cleaned_data  # the valid fields only, when one is not
    adapter_type = filters.get("adapter_type") or ""
    manufacturer = filters.get("manufacturer") or ""
    products = active_products(adapter_type=adapter_type or None, manufacturer=manufacturer or None)
    context = {
        "form": form,
        "products": products,
        "page_key": f"{version}|{adapter_type}|{manufacturer}",
    }
    return render(request, "eligibility/product_list.html", context)


def _blank_questionnaire_variant(request) -> str | None:
    """The questionnaire's cache ``variant``: the blank page only, per list version (its device
    choices); answered pages are rendered, their form from ``form_key``'s fragment."""
    return None if request.GET else apl_copy().version


@require_GET
@cache_for_visitors("pre-check", _blank_questionnaire_variant)
def eligibility_check(request):
    """The public "Am I eligible?" questionnaire and its per-rule answer.

    The questionnaire's HTML is the same for everyone who sends the same answers, in the same
    language, while the list is at the same version (its adapters are the device choices), so
    it is cached under ``form_key``: rendering it field by field costs ~60 ms of CPU, the
    busiest page of a visitor's visit (issue 27, BENCHMARKS.md "Load"). The answers are
    questions about equipment, never a name or an address.
    """
    submitted = "request_type" in request.GET
    form = EligibilityCheckForm(request.GET if submitted else None, initial=request.GET.dict())
    report = None
    if submitted and form.is_valid():
        report = check_site_facts(SiteFacts.from_dict(form.site_facts()), device_from_copy=True)
    answers = urlencode(sorted(request.GET.lists()), doseq=True)
    form_key = f"{apl_copy().version}|{hashlib.sha256(answers.encode()).hexdigest()}"
    context = {"form": form, "report": report, "form_key": form_key}
    return render(request, "eligibility/eligibility_check.html", context)
