from allauth.account import views as allauth_views
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from . import once, services
from .forms import ApiTokenForm, InviteColleagueForm
from .models import ApiToken
from .selectors import email_confirmation_key_used


@login_required
@require_http_methods(["GET", "POST"])
def company_detail(request):
    company = request.user.company
    if company is None:
        raise Http404
    form = InviteColleagueForm(request.POST or None)
    token = once.once_token_posted(request.POST) or once.once_token()
    if request.method == "POST":
        if not request.user.is_company_admin:
            raise PermissionDenied
        if form.is_valid():
            try:
                # Posted twice: one invitation, one email.
                invitation_id, _created = once.once_submit(
                    user=request.user,
                    form="company_invite",
                    token=token,
                    create=lambda: (
                        services.company_invite(
                            invited_by=request.user, email=form.cleaned_data["email"]
                        ).pk
                    ),
                )
            except ValidationError as exc:
                form.add_error("email", exc.message_dict.get("email", exc.messages))
            else:
                invitation = company.invitations.get(pk=invitation_id)
                messages.success(
                    request,
                    _("Invitation sent to %(email)s; the link works for 7 days.")
                    % {"email": invitation.email},
                )
                return redirect("accounts:company")
    return render(
        request,
        "accounts/company_detail.html",
        {
            "company": company,
            "members": company.users.order_by("full_name", "email"),
            "invitations": company.invitations.filter(accepted_at__isnull=True),
            "form": form,
            "once": token,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def join_company(request, token: str):
    invitation = services.invitation_for_token(token)
    if request.method == "POST" and invitation is not None:
        try:
            company = services.invitation_accept(raw_token=token, user=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request, _("You are now a member of %(company)s.") % {"company": company.name}
            )
            return redirect("accounts:company")
    return render(request, "accounts/join_company.html", {"invitation": invitation})


@login_required
@require_http_methods(["GET", "POST"])
def api_tokens(request):
    if not services.user_can_file_for_customers(request.user):
        raise Http404
    form = ApiTokenForm(request.POST or None)
    token = once.once_token_posted(request.POST) or once.once_token()
    new_token = None
    if request.method == "POST" and form.is_valid():
        created = []  # the raw token exists only in the answer to the first post
        api_token_id, first = once.once_submit(
            user=request.user,
            form="api_token",
            token=token,
            create=lambda: _api_token_create(request.user, form.cleaned_data["name"], created),
        )
        if first:
            new_token = created[0]
        else:
            messages.info(
                request,
                _(
                    "This form was already sent: the token “%(name)s” was created then, and its "
                    "secret was shown once. If you did not copy it, revoke it and create another."
                )
                % {"name": request.user.api_tokens.get(pk=api_token_id).name},
            )
        form = ApiTokenForm()
        token = once.once_token()
    return render(
        request,
        "accounts/api_tokens.html",
        {
            "tokens": request.user.api_tokens.all(),
            "form": form,
            "new_token": new_token,
            "once": token,
        },
    )


def _api_token_create(user, name: str, raw: list[str]) -> int:
    api_token, raw_token = services.api_token_create(user=user, name=name)
    raw.append(raw_token)
    return api_token.pk


@login_required
@require_POST
def api_token_revoke(request, pk: int):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    services.api_token_revoke(token=token, actor=request.user)
    messages.success(request, _("Token “%(name)s” revoked.") % {"name": token.name})
    return redirect("accounts:api_tokens")


class BusinessSignupView(allauth_views.SignupView):
    """Sign-up for contractors and device makers, apart from the homeowner's (issue 19)."""

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "business": True}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "business": True}


business_signup = BusinessSignupView.as_view()


class ConfirmEmailView(allauth_views.ConfirmEmailView):
    """allauth's confirmation page, which also tells a used link's visitor to log in.

    A second visit (or a second press of "Confirm") finds the address already confirmed; the
    page says so with a link to log in instead of "expired or invalid" (issue 24).
    """

    def post(self, *args, **kwargs):
        try:
            return super().post(*args, **kwargs)
        except Http404:
            self.object = None
            return self.render_to_response(self.get_context_data())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["already_confirmed"] = not self.object and email_confirmation_key_used(
            self.kwargs["key"]
        )
        return context
