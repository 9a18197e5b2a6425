from django.urls import path

from . import views

app_name = "enrollment"

urlpatterns = [
    path("", views.request_list, name="request_list"),
    path("new/", views.wizard_start, name="wizard_start"),
    path("new/from-check/", views.precheck_apply, name="precheck_apply"),
    path("company/", views.company_requests, name="company_requests"),
    path("company/export.csv", views.company_requests_export, name="company_requests_export"),
    path("<int:pk>/", views.request_detail, name="request_detail"),
    path("<int:pk>/confirm/", views.request_confirm, name="request_confirm"),
    path("<int:pk>/apply/", views.wizard_resume, name="wizard_resume"),
    path("<int:pk>/apply/<slug:step>/", views.wizard_step, name="wizard_step"),
    path("<int:pk>/agreement/", views.agreement_sign, name="agreement_sign"),
    path("<int:pk>/agreement.pdf", views.agreement_pdf, name="agreement_pdf"),
    path(
        "<int:pk>/authorization-form.pdf",
        views.authorization_form_pdf,
        name="authorization_form_pdf",
    ),
    path(
        "<int:pk>/documents/<int:document_pk>/", views.document_download, name="document_download"
    ),
    path(
        "<int:pk>/documents/<int:document_pk>/delete/",
        views.document_delete,
        name="document_delete",
    ),
    path("<int:pk>/answer/", views.info_answer, name="info_answer"),
    path("<int:pk>/messages/", views.request_message, name="request_message"),
    path("<int:pk>/documents/add/", views.document_add, name="document_add"),
    path("<int:pk>/correct/<slug:step>/", views.answers_correct, name="answers_correct"),
    path("<int:pk>/cancel/", views.request_cancel, name="request_cancel"),
    path("<int:pk>/electronic-records/", views.esign_records, name="esign_records"),
    path(
        "<int:pk>/authorization/send-link/",
        views.authorization_link_send,
        name="authorization_link_send",
    ),
    path("<int:pk>/authorization/revoke/", views.authorization_revoke, name="authorization_revoke"),
    path(
        "<int:pk>/authorization/<int:authorization_pk>.pdf",
        views.authorization_pdf,
        name="authorization_pdf",
    ),
    path(
        "<int:pk>/authorize/signed/<int:authorization_pk>.pdf",
        views.authorization_signed_copy,
        name="authorization_signed_copy",
    ),
    path("<int:pk>/authorize/<str:token>/", views.authorization_link, name="authorization_link"),
]
