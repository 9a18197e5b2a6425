"""The request wizard's steps: one topic each, in the order a customer answers them."""

from dataclasses import dataclass

from django.forms import CheckboxInput
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from . import forms
from .models import MeterRecordState, Request


@dataclass(frozen=True)
class Step:
    slug: str
    title: str
    form_class: type | None
    template: str = "enrollment/wizard/step.html"
    device_only: bool = False
    # Asked only when there is a device at the meter now (a removal or a replacement).
    existing_only: bool = False
    # Shown when the numbers matched a meter record: what the record says, to confirm.
    record_only: bool = False
    # Not asked when a meter record answers it, unless the customer said the record is wrong.
    skipped_when_on_record: bool = False

    def applies_to(self, msa_request: Request) -> bool:
        if self.existing_only and not msa_request.has_existing_device:
            return False
        state = msa_request.meter_record_state
        if self.record_only and not state:
            return False
        on_record = state in (MeterRecordState.FOUND, MeterRecordState.CONFIRMED)
        if self.skipped_when_on_record and on_record:
            return False
        return msa_request.needs_device or not self.device_only


STEPS = [
    Step("type", _("What you need"), forms.RequestTypeForm),
    Step("accounts", _("Account and meter"), forms.AccountsForm),
    Step(
        "records",
        _("What our records say"),
        forms.RecordConfirmForm,
        "enrollment/wizard/records.html",
        record_only=True,
    ),
    Step("safety", _("Medical equipment"), forms.SafetyForm, "enrollment/wizard/one_question.html"),
    Step("premises", _("Premises address"), forms.PremisesForm, skipped_when_on_record=True),
    Step("meter", _("Meter and service"), forms.MeterForm, skipped_when_on_record=True),
    Step("wiring", _("Generation and wiring"), forms.WiringForm),
    Step("socket", _("Meter socket and panel"), forms.SocketForm),
    Step("existing", _("At your meter now"), forms.ExistingDeviceForm, existing_only=True),
    Step("device", _("Your device"), forms.DeviceForm, "enrollment/wizard/device.html", True),
    Step("preparation", _("Getting ready"), forms.PreparationForm, device_only=True),
    Step("photos", _("Photos"), forms.PhotosForm, "enrollment/wizard/photos.html"),
    Step("review", _("Review and pre-check"), None, "enrollment/wizard/review.html"),
]
BY_SLUG = {step.slug: step for step in STEPS}

# Where a customer fixes what a pre-check rule found.
RULE_STEPS = {
    "METER_SELF_CONTAINED": "meter",
    "SERVICE_1PH_3W_240": "meter",
    "PANEL_MAX_200A": "meter",
    "BACKFEED_WITHIN_RATING": "wiring",
    "COMM_CABLE_NOT_IN_LIQUIDTIGHT": "wiring",
    "ENERGIZED_IN_LIQUIDTIGHT": "wiring",
    "DEVICE_APPROVED": "device",
    "DEVICE_REQUIREMENTS": "device",
    "EXISTING_DEVICE_DESCRIBED": "existing",
    "NO_ESR_VIOLATION": "socket",
    "WATERPROOF_BAG": "preparation",
    "AUTHORIZATION_ON_FILE": "photos",
    "METER_RECORD_MATCH": "accounts",
    "NO_OPEN_DUPLICATE": "accounts",
}


def steps_for(msa_request: Request) -> list[Step]:
    return [step for step in STEPS if step.applies_to(msa_request)]


def neighbours(msa_request: Request, slug: str) -> tuple[Step | None, Step | None]:
    """The steps before and after ``slug`` for this request (removals skip the device steps)."""
    steps = steps_for(msa_request)
    slugs = [s.slug for s in steps]
    index = slugs.index(slug)
    before = steps[index - 1] if index > 0 else None
    after = steps[index + 1] if index + 1 < len(steps) else None
    return before, after


def resume_step(msa_request: Request) -> Step:
    """The step after the last one saved (the review once everything is answered)."""
    steps = steps_for(msa_request)
    slugs = [s.slug for s in steps]
    if msa_request.wizard_step not in slugs:
        return steps[1] if msa_request.wizard_step == "type" else steps[0]
    index = slugs.index(msa_request.wizard_step)
    return steps[min(index + 1, len(steps) - 1)]


# Answers of a step whose POST was refused by the CSRF check (a form opened before signing in
# again elsewhere), kept in the session so the step shows them again: ``{path: {name: [values]}}``.
KEPT_ANSWERS = "enrollment_wizard_kept_answers"
# Never kept: the token itself, the buttons, and anything larger than a step's text answers.
_NOT_ANSWERS = {"csrfmiddlewaretoken", "back", "later", "next"}
_KEPT_MAX_CHARS = 20_000


def answers_keep(session, *, path: str, post) -> bool:
    """Keep a refused step's posted text answers (``post``, a QueryDict) for ``path``.

    Only the answers of the one step are kept, replacing any kept before; files are never kept
    (the step asks for them again). Returns whether anything was kept. The caller decides that
    the POST came from this site's own page (see ``msa_portal.views.csrf_failure``): answers
    are shown again only as suggestions, saved only when the person submits the step.
    """
    answers = {
        name: [value[:2000] for value in values]
        for name, values in post.lists()
        if name not in _NOT_ANSWERS
    }
    if not answers or sum(len(v) for values in answers.values() for v in values) > _KEPT_MAX_CHARS:
        return False
    session[KEPT_ANSWERS] = {path: answers}
    return True


def answers_kept(session, *, path: str, form) -> bool:
    """Put the answers kept for ``path`` into ``form``'s initial values, once; return whether
    there were any. ``form`` is the step's unbound form."""
    kept = session.get(KEPT_ANSWERS) or {}
    answers = kept.get(path)
    if answers is None:
        return False
    del session[KEPT_ANSWERS]
    data = QueryDict(mutable=True)
    for name, values in answers.items():
        data.setlist(name, values)
    for name, field in form.fields.items():
        key = form.add_prefix(name)
        if key in data or isinstance(field.widget, CheckboxInput):
            form.initial[name] = field.widget.value_from_datadict(data, {}, key)
    return True
