"""Customer and staff pages for visits; each one a thin layer over services and selectors."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common.pdf import render_pdf
from enrollment.permissions import get_request_for_user_or_404, requests_editable_by

from . import selectors, services
from .forms import OutcomeForm, PickWindowForm
from .models import Technician, Visit


def _staff_or_404(user, perm: str) -> None:
    # Staff pages answer 404 to everyone else, like every page that takes an id.
    if not (user.is_authenticated and user.is_staff and user.has_perm(perm)):
        raise Http404("No such page.")


@login_required
def request_visit(request, pk: int):
    """Show the scheduling panel of one request on its own page."""
    msa_request = get_request_for_user_or_404(request.user, pk)
    return render(request, "scheduling/request_visit.html", {"msa_request": msa_request})


@login_required
@require_POST
def visit_pick(request, pk: int):
    """Book or move the visit of a request to the window the customer picked."""
    # The applicant's side books and cancels; staff move visits from the admin board.
    msa_request = get_request_for_user_or_404(request.user, pk, requests_editable_by(request.user))
    offers = selectors.offered_windows(msa_request=msa_request)
    form = PickWindowForm(request.POST, offers=offers)
    if not form.is_valid():
        messages.error(request, _("That window is no longer free. Please pick another one."))
        return redirect(selectors.request_url(msa_request))
    window_id, day = form.chosen()
    try:
        services.visit_book(
            msa_request_id=msa_request.pk,
            window_id=window_id,
            day=day,
            actor=request.user,
            source=Visit.Source.CUSTOMER,
        )
    except services.SchedulingError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Your visit is booked. We emailed you the details."))
    return redirect(selectors.request_url(msa_request))


@login_required
@require_POST
def visit_cancel(request, pk: int):
    """Cancel the booked visit of a request; the request waits for a new pick."""
    # The applicant's side books and cancels; staff move visits from the admin board.
    msa_request = get_request_for_user_or_404(request.user, pk, requests_editable_by(request.user))
    visit = get_object_or_404(Visit, msa_request=msa_request, state=Visit.State.BOOKED)
    try:
        services.visit_cancel(visit_id=visit.pk, actor=request.user, by_customer=True)
    except services.SchedulingError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, _("Your visit is cancelled. Pick a new window when it suits you.")
        )
    return redirect(selectors.request_url(msa_request))


def route_sheet(request, technician_id: int, day: str):
    """Staff: a technician's day in route order, with outcome forms."""
    _staff_or_404(request.user, "scheduling.view_visit")
    technician = get_object_or_404(Technician, pk=technician_id)
    try:
        on = date.fromisoformat(day)
    except ValueError:
        raise Http404("No such day.") from None
    visits = selectors.route_sheet(technician=technician, day=on)
    return render(
        request,
        "scheduling/route_sheet.html",
        {
            "technician": technician,
            "day": on,
            "visits": visits,
            "outcome_form": OutcomeForm(),
            "can_record": request.user.has_perm("scheduling.change_visit"),
        },
    )


@require_POST
def visit_outcome(request, visit_id: int):
    """Staff: record a visit's outcome from the route sheet."""
    _staff_or_404(request.user, "scheduling.change_visit")
    visit = get_object_or_404(Visit, pk=visit_id)
    form = OutcomeForm(request.POST, visit=visit)
    if form.is_valid():
        try:
            services.visit_record_outcome(
                visit_id=visit.pk,
                actor=request.user,
                completed=form.cleaned_data["completed"],
                failure_code=form.cleaned_data["failure_code"],
                note=form.cleaned_data["note"],
                utility_fault=form.cleaned_data["utility_fault"],
            )
        except services.SchedulingError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Outcome recorded."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect(
        "scheduling:route_sheet", technician_id=visit.technician_id, day=visit.date.isoformat()
    )


def work_order_pdf(request, visit_id: int):
    """Staff: the work order of one visit as a PDF."""
    _staff_or_404(request.user, "scheduling.view_visit")
    visit = get_object_or_404(
        Visit.objects.select_related("msa_request", "msa_request__device", "technician", "window"),
        pk=visit_id,
    )
    pdf = render_pdf(
        "scheduling/work_order_pdf.html", {"visit": visit, "msa_request": visit.msa_request}
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="work-order-{visit.msa_request.reference}-{visit.date}.pdf"'
    )
    return response
