from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from common.phones import PhoneField

cslb_license_validator = RegexValidator(r"^\d{6,8}$", _("A CSLB license number has 6 to 8 digits."))


class ContractorCompany(models.Model):
    """A company whose users use the portal for it.

    A contractor (or installer) files requests for customers; a vendor (a device maker) submits
    its devices for evaluation. Both are verified by staff before they can act.
    """

    class Kind(models.TextChoices):
        CONTRACTOR = "contractor", _("Contractor or installer")
        VENDOR = "vendor", _("Device vendor")

    name = models.CharField(_("company name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind, default=Kind.CONTRACTOR)
    cslb_license_number = models.CharField(
        _("CSLB license number"),
        max_length=8,
        unique=True,
        null=True,
        blank=True,
        validators=[cslb_license_validator],
        help_text=_("California Contractors State License Board number (contractors)."),
    )
    phone = PhoneField(_("phone"))
    address = models.CharField(_("address"), max_length=300, blank=True)
    verified_at = models.DateTimeField(
        _("verified at"),
        null=True,
        blank=True,
        help_text=_("Staff verify a company before its users can file requests."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("contractor company")
        verbose_name_plural = _("contractor companies")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="contractor")
                | models.Q(cslb_license_number__isnull=False),
                name="contractor_company_has_license",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None

    @property
    def is_vendor(self) -> bool:
        return self.kind == self.Kind.VENDOR


class UserManager(BaseUserManager):
    """Users log in with their email address; there is no username."""

    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email: str, password: str | None = None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        extra_fields.setdefault("role", User.Role.STAFF)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    class Role(models.TextChoices):
        CUSTOMER = "customer", _("Customer")
        CONTRACTOR = "contractor", _("Contractor")
        VENDOR = "vendor", _("Device vendor")
        STAFF = "staff", _("Utility staff")
        TECHNICIAN = "technician", _("Meter technician")

    username = None
    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    phone = PhoneField(_("phone"), blank=True)
    role = models.CharField(_("role"), max_length=20, choices=Role, default=Role.CUSTOMER)
    company = models.ForeignKey(
        ContractorCompany,
        verbose_name=_("contractor company"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    is_company_admin = models.BooleanField(
        _("company admin"), default=False, help_text=_("May invite colleagues.")
    )
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=8,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("The portal's language on every device, and of the emails this user gets."),
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role="contractor") | models.Q(company__isnull=False),
                name="contractor_has_company",
            ),
            models.CheckConstraint(
                condition=~models.Q(role="vendor") | models.Q(company__isnull=False),
                name="vendor_has_company",
            ),
        ]

    def __str__(self) -> str:
        return self.email

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return (self.full_name.split(" ")[0] if self.full_name else "") or self.email

    @property
    def is_contractor(self) -> bool:
        return self.role == self.Role.CONTRACTOR

    @property
    def is_vendor(self) -> bool:
        return self.role == self.Role.VENDOR

    @property
    def is_customer(self) -> bool:
        return self.role == self.Role.CUSTOMER

    @property
    def is_technician(self) -> bool:
        return self.role == self.Role.TECHNICIAN


class CompanyInvitation(models.Model):
    """A company admin's invitation for a colleague to join the company's portal account.

    Only a SHA-256 of the token is stored: the link in the email is the only copy of the token.
    """

    company = models.ForeignKey(
        ContractorCompany, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("email"))
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("company invitation")
        verbose_name_plural = _("company invitations")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} → {self.company}"


class ApiToken(models.Model):
    """A personal API token for the contractor API. Only its SHA-256 is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=80, help_text=_("What uses this token."))
    prefix = models.CharField(_("prefix"), max_length=12, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class ApiIdempotencyKey(models.Model):
    """The first answer to a POST sent with an ``Idempotency-Key``, replayed for any retry."""

    token = models.ForeignKey(ApiToken, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64, help_text=_("SHA-256 of method, path and body."))
    status_code = models.PositiveSmallIntegerField()
    response = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("API idempotency key")
        verbose_name_plural = _("API idempotency keys")
        constraints = [
            models.UniqueConstraint(fields=["token", "key"], name="one_answer_per_idempotency_key")
        ]

    def __str__(self) -> str:
        return self.key


class FormSubmission(models.Model):
    """One submission of a form that creates something, by the form's one-time token.

    Each such form carries a random token (``accounts.once``); the first submission with it
    creates the thing and records its id here, and a second one (a double click, a reload that
    posts again) finds this row and shows the same result instead of creating another. The
    unique constraint makes two simultaneous submissions wait for each other.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    form = models.CharField(_("form"), max_length=40)
    token = models.CharField(_("one-time form token"), max_length=64)
    result_id = models.BigIntegerField(_("id of what it created"), null=True, blank=True)
    created_at = models.DateTimeField(_("submitted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("form submission")
        verbose_name_plural = _("form submissions")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "form", "token"], name="one_submission_per_form_token"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.form} {self.created_at:%Y-%m-%d %H:%M}"
