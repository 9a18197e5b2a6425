from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("", views.company_detail, name="company"),
    path("join/<str:token>/", views.join_company, name="join_company"),
    path("api-tokens/", views.api_tokens, name="api_tokens"),
    path("api-tokens/<int:pk>/revoke/", views.api_token_revoke, name="api_token_revoke"),
]
