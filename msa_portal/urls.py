from django.contrib import admin
from django.urls import include, path

from . import views

admin.site.site_header = "MSA Program — staff"
admin.site.site_title = "MSA Portal admin"
admin.site.index_title = "Program administration"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("program/", views.ProgramView.as_view(), name="program"),
    path("healthz/", views.healthz, name="healthz"),
    path("accounts/", include("allauth.urls")),
    path("requests/", include("enrollment.urls")),
    path("payments/", include("payments.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
