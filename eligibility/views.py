from django.shortcuts import render
from django.views.decorators.http import require_GET

from .forms import EligibilityCheckForm, ProductFilterForm
from .rules import SiteFacts
from .selectors import active_products, check_site_facts, product_manufacturers


@require_GET
def product_list(request):
    """The active Approved Product List, filtered by type and manufacturer."""
    form = ProductFilterForm(request.GET or None, manufacturers=product_manufacturers())
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    products = active_products(
        adapter_type=filters.get("adapter_type") or None,
        manufacturer=filters.get("manufacturer") or None,
    )
    return render(request, "eligibility/product_list.html", {"form": form, "products": products})


@require_GET
def eligibility_check(request):
    """The public "Am I eligible?" questionnaire and its per-rule answer."""
    submitted = "request_type" in request.GET
    form = EligibilityCheckForm(request.GET if submitted else None, initial=request.GET.dict())
    report = None
    if submitted and form.is_valid():
        report = check_site_facts(SiteFacts.from_dict(form.site_facts()))
    return render(request, "eligibility/eligibility_check.html", {"form": form, "report": report})
