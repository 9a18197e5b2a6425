"""The portal's URLs plus pages that fail on purpose, for the error-page tests."""

from django.core.exceptions import PermissionDenied
from django.urls import path

from msa_portal.urls import urlpatterns as portal_urlpatterns


def boom(request):
    raise RuntimeError("a bug")


def forbidden(request):
    raise PermissionDenied


urlpatterns = [
    *portal_urlpatterns,
    path("test-only/boom/", boom),
    path("test-only/forbidden/", forbidden),
]
