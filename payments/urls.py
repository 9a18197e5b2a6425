from django.urls import path

from . import views

app_name = "payments"

urlpatterns = [
    path("stripe/webhook/", views.stripe_webhook, name="stripe_webhook"),
    path("requests/<int:pk>/pay/", views.checkout_start, name="checkout_start"),
    path("requests/<int:pk>/paid/", views.checkout_success, name="checkout_success"),
    path("requests/<int:pk>/cancelled/", views.checkout_cancelled, name="checkout_cancelled"),
    path(
        "requests/<int:pk>/receipts/<int:payment_pk>/",
        views.receipt_download,
        name="receipt_download",
    ),
    path("demo/<int:payment_pk>/", views.demo_checkout, name="demo_checkout"),
]
