import hashlib
import logging
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from phonenumber_field.phonenumber import PhoneNumber

from common.emails import send_templated_email

from .models import ApiToken, CompanyInvitation, ContractorCompany, User

logger = logging.getLogger(__name__)
INVITATION_LIFETIME = timedelta(days=7)


def _hash_token(raw_token: str) -> str:
    return hashlib.sha256(raw_token.encode()).hexdigest()


@transaction.atomic
def user_complete_signup(
    *,
    user: User,
    full_name: str,
    role: str,
    company_name: str = "",
    cslb_license_number: str = "",
    company_phone: PhoneNumber | str = "",
) -> User:
    """Record the sign-up details; a contractor or vendor also registers an unverified company."""
    user.full_name = full_name.strip()
    if role == User.Role.VENDOR:
        company = ContractorCompany(
            name=company_name.strip(),
            kind=ContractorCompany.Kind.VENDOR,
            cslb_license_number=cslb_license_number.strip() or None,
            phone=company_phone,
        )
        company.full_clean()
        company.save()
        user.role = User.Role.VENDOR
        user.company = company
        user.is_company_admin = True
    elif role == User.Role.CONTRACTOR:
        company = ContractorCompany(
            name=company_name.strip(),
            cslb_license_number=cslb_license_number.strip(),
            phone=company_phone,
        )
        company.full_clean()
        company.save()
        user.role = User.Role.CONTRACTOR
        user.company = company
        user.is_company_admin = True
    else:
        user.role = User.Role.CUSTOMER
    user.save(update_fields=["full_name", "role", "company", "is_company_admin"])
    return user


def user_set_preferred_language(*, user: User, language: str) -> None:
    """Remember ``user``'s language for every device and for their emails."""
    supported = {code for code, _name in settings.LANGUAGES}
    language = translation.get_supported_language_variant(language or settings.LANGUAGE_CODE)
    if language not in supported or language == user.preferred_language:
        return
    user.preferred_language = language
    User.objects.filter(pk=user.pk).update(preferred_language=language)


def user_can_file_for_customers(user: User) -> bool:
    """A contractor may file requests for customers once staff have verified the company."""
    return bool(
        user.is_authenticated
        and user.role == User.Role.CONTRACTOR
        and user.company_id
        and user.company.is_verified
    )


def user_can_submit_devices(user: User) -> bool:
    """A vendor may submit devices for evaluation once staff have verified the company."""
    return bool(
        user.is_authenticated
        and user.is_active
        and user.role == User.Role.VENDOR
        and user.company_id
        and user.company.is_vendor
        and user.company.is_verified
    )


def company_verify(*, company: ContractorCompany, actor: User) -> ContractorCompany:
    """Mark a company verified by staff, so its users can file requests or submit devices."""
    if company.verified_at is None:
        company.verified_at = timezone.now()
        company.save(update_fields=["verified_at"])
        logger.info("company %s verified by user %s", company.pk, actor.pk)
    return company


def company_invite(*, invited_by: User, email: str) -> CompanyInvitation:
    """Invite a colleague by email to join the inviting company admin's company."""
    if not (invited_by.is_company_admin and invited_by.company_id):
        raise PermissionDenied(_("Only a company admin can invite colleagues."))
    email = email.strip().lower()
    if invited_by.company.users.filter(email=email).exists():
        raise ValidationError({"email": _("This person is already a member of your company.")})
    raw_token = secrets.token_urlsafe(32)
    invitation = CompanyInvitation.objects.create(
        company=invited_by.company,
        email=email,
        token_hash=_hash_token(raw_token),
        invited_by=invited_by,
        expires_at=timezone.now() + INVITATION_LIFETIME,
    )
    link = reverse("accounts:join_company", kwargs={"token": raw_token})
    transaction.on_commit(
        lambda: send_templated_email(
            to=[email],
            template="accounts/emails/company_invitation",
            context={"invitation": invitation, "path": link},
        )
    )
    return invitation


def invitation_for_token(raw_token: str) -> CompanyInvitation | None:
    """Return the open, unexpired invitation behind a link's token, or None."""
    return (
        CompanyInvitation.objects.select_related("company")
        .filter(
            token_hash=_hash_token(raw_token),
            accepted_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .first()
    )


@transaction.atomic
def invitation_accept(*, raw_token: str, user: User) -> ContractorCompany:
    """Join the invited user to the company, once, if the link is valid and meant for them."""
    invitation = invitation_for_token(raw_token)
    if invitation is None:
        raise ValidationError(_("This invitation link has expired or was already used."))
    invitation = CompanyInvitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise ValidationError(_("This invitation link has expired or was already used."))
    if invitation.email != user.email.lower():
        raise ValidationError(
            _("This invitation was sent to another email address. Log in with that address.")
        )
    if user.company_id and user.company_id != invitation.company_id:
        raise ValidationError(_("You already belong to another company."))
    # A vendor's colleague becomes a vendor user; a contractor's, a contractor (as before).
    user.role = User.Role.VENDOR if invitation.company.is_vendor else User.Role.CONTRACTOR
    user.company = invitation.company
    user.save(update_fields=["role", "company"])
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return invitation.company


TOKEN_PREFIX = "msa_"


def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Create a named API token; return it with the raw token, which is shown only once."""
    if not user_can_file_for_customers(user):
        raise PermissionDenied(_("API tokens are for contractors of verified companies."))
    raw_token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name.strip(), prefix=raw_token[:12], token_hash=_hash_token(raw_token)
    )
    return token, raw_token


def api_token_revoke(*, token: ApiToken, actor: User) -> ApiToken:
    """Revoke a token; its owner or staff may do so, and revoking twice changes nothing."""
    if actor.pk != token.user_id and not actor.is_staff:
        raise PermissionDenied
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        logger.info("api token %s revoked by user %s", token.pk, actor.pk)
    return token


def api_token_lookup(raw_token: str) -> ApiToken | None:
    """Return the active token (with its active user) for a raw token, recording its use."""
    if not raw_token.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user", "user__company")
        .filter(token_hash=_hash_token(raw_token), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is not None:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token


def api_token_authenticate(raw_token: str) -> User | None:
    """Return the active user behind an active token; else None."""
    token = api_token_lookup(raw_token)
    return token.user if token else None
