from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.preferences, name="preferences"),
    path("twilio/inbound/", views.twilio_inbound, name="twilio_inbound"),
]
