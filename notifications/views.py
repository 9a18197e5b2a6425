"""The notification choices page and Twilio's inbound-message webhook."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from . import selectors, services, texts, twilio_client
from .forms import ChoicesForm, MobileNumberForm, VerifyForm
from .models import MobileNumber


@login_required
def preferences(request):
    """Show and change the person's mobile number and what they receive by email and text."""
    user = request.user
    mobile = MobileNumber.objects.filter(user=user).first()
    number_form = MobileNumberForm(prefix="number")
    verify_form = VerifyForm(prefix="verify")
    choices_form = ChoicesForm(instance=selectors.choices_for(user), prefix="choices")
    action = request.POST.get("action") if request.method == "POST" else None
    try:
        if action == "number":
            number_form = MobileNumberForm(request.POST, prefix="number")
            if number_form.is_valid():
                services.mobile_number_start(user=user, number=number_form.cleaned_data["number"])
                messages.success(request, _("We texted you a code. Enter it below."))
                return redirect("notifications:preferences")
        elif action == "verify":
            verify_form = VerifyForm(request.POST, prefix="verify")
            if verify_form.is_valid():
                services.mobile_number_verify(
                    user=user,
                    code=verify_form.cleaned_data["code"],
                    consent=verify_form.cleaned_data["consent"],
                    language=get_language() or "en",
                )
                messages.success(request, _("Your mobile number is verified."))
                return redirect("notifications:preferences")
        elif action == "remove":
            services.mobile_number_remove(user=user)
            messages.success(request, _("Your mobile number was removed; no more texts."))
            return redirect("notifications:preferences")
        elif action == "choices":
            choices_form = ChoicesForm(request.POST, prefix="choices")
            if choices_form.is_valid():
                services.choices_update(user=user, **choices_form.cleaned_data)
                messages.success(request, _("Your choices are saved."))
                return redirect("notifications:preferences")
    except services.TextingError as error:
        messages.error(request, " ".join(error.messages))
    return render(
        request,
        "notifications/preferences.html",
        {
            "mobile": mobile,
            "number_form": number_form,
            "verify_form": verify_form,
            "choices_form": choices_form,
            "consent_wording": texts.consent_wording(),
            "sms_provider": settings.SMS_PROVIDER,
        },
    )


@csrf_exempt
@require_POST
def twilio_inbound(request):
    """Twilio's incoming-message webhook: refused unless Twilio's signature matches."""
    # Twilio signs the public URL it called: SITE_URL, not the Host header behind proxies.
    url = settings.SITE_URL.rstrip("/") + request.get_full_path()
    params = {key: request.POST.get(key) for key in request.POST}
    signature = request.headers.get("X-Twilio-Signature", "")
    if not twilio_client.signature_valid(url=url, params=params, signature=signature):
        return HttpResponseForbidden("invalid signature")
    sid = params.get("MessageSid") or params.get("SmsSid") or ""
    number = params.get("From") or ""
    if not sid or not number:
        return HttpResponse(status=400)
    reply = services.inbound_receive(message_sid=sid, number=number, body=params.get("Body", ""))
    return HttpResponse(twilio_client.reply(reply), content_type="text/xml")
