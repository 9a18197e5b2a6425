from django.contrib import admin
from django.urls import include, path

from accounts import views as account_views
from api import api
from backoffice.dashboard import dashboard

from . import views

admin.site.site_header = "MSA Program — staff"
admin.site.site_title = "MSA Portal admin"
admin.site.index_title = "Program administration"
admin.site.login = views.admin_login
handler404 = views.page_not_found
handler500 = views.server_error

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("program/", views.ProgramView.as_view(), name="program"),
    path("before-the-visit/", views.BeforeVisitView.as_view(), name="before_visit"),
    path(
        "contractors/checklist/",
        views.ContractorChecklistView.as_view(),
        name="contractor_checklist",
    ),
    path("healthz/", views.healthz, name="healthz"),
    path("loadtest/ping/", views.loadtest_ping, name="loadtest_ping"),
    path(
        "accounts/signup/business/", account_views.business_signup, name="account_signup_business"
    ),
    # Before allauth's own: the same page, which also tells a used link's visitor to log in.
    path(
        "accounts/confirm-email/<str:key>/",
        account_views.ConfirmEmailView.as_view(),
        name="account_confirm_email",
    ),
    path("accounts/", include("allauth.urls")),
    path("company/", include("accounts.urls")),
    path("requests/", include("enrollment.urls")),
    path("eligibility/", include("eligibility.urls")),
    path("vendors/", include("vendors.urls")),
    path("api/v1/", api.urls),
    path("payments/", include("payments.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/dashboard/", admin.site.admin_view(dashboard), name="admin_dashboard"),
    path("admin/enrollment/application/", views.old_request_admin),
    path("admin/enrollment/application/<path:rest>", views.old_request_admin),
    path("admin/", admin.site.urls),
    path("scheduling/", include("scheduling.urls")),
    path("field/", include("field.urls")),
    path("notifications/", include("notifications.urls")),
]
