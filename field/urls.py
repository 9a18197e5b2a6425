from django.urls import path

from . import views

app_name = "field"

# No id in any path: the visit travels in the report's body and is looked up among the signed-in
# technician's own visits only.
urlpatterns = [
    path("", views.my_day, name="my_day"),
    path("reports/", views.report, name="report"),
    path("sw.js", views.service_worker, name="service_worker"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
]
