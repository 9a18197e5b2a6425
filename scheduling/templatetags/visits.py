from django import template
from django.conf import settings

from scheduling import selectors
from scheduling.forms import PickWindowForm
from scheduling.ics import preparation_reminder
from scheduling.notifications import failure_explanation

register = template.Library()


@register.inclusion_tag("scheduling/includes/visit_panel.html", takes_context=True)
def visit_panel(context, msa_request):
    """Render the customer's visit panel for a request (a fixed number of queries)."""
    panel = selectors.request_panel(msa_request=msa_request)
    return {
        "request": context.get("request"),
        "csrf_token": context.get("csrf_token"),
        "msa_request": msa_request,
        "panel": panel,
        "pick_form": PickWindowForm(offers=panel.offers) if panel.offers else None,
        "preparation": preparation_reminder(),
        "visit_fee_cents": settings.MSA_VISIT_FEE_CENTS,
        "failure_explanation": (
            failure_explanation(panel.failed_visit.failure_code) if panel.failed_visit else ""
        ),
    }
