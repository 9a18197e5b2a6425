from django.urls import path

from . import views

app_name = "eligibility"

urlpatterns = [
    path("approved-products/", views.product_list, name="product_list"),
    path("check/", views.eligibility_check, name="check"),
]
