from django.apps import AppConfig


class EnrollmentConfig(AppConfig):
    name = "enrollment"
    verbose_name = "Requests"

    def ready(self) -> None:
        # A framework hook only: allauth says an address is verified; the service decides.
        from allauth.account.signals import email_confirmed

        email_confirmed.connect(_link_requests_on_email_confirmed, dispatch_uid="enrollment-link")


def _link_requests_on_email_confirmed(sender, request, email_address, **kwargs) -> None:
    from .authorizations import requests_link_to_verified_account

    requests_link_to_verified_account(user=email_address.user, email=email_address.email)
