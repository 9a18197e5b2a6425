from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("", views.company_detail, name="company"),
    path("join/<str:token>/", views.join_company, name="join_company"),
]
