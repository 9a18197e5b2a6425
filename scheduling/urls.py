from django.urls import path

from . import views

app_name = "scheduling"

urlpatterns = [
    path("requests/<int:pk>/visit/", views.request_visit, name="request_visit"),
    path("requests/<int:pk>/visit/pick/", views.visit_pick, name="visit_pick"),
    path("requests/<int:pk>/visit/cancel/", views.visit_cancel, name="visit_cancel"),
    path(
        "technicians/<int:technician_id>/days/<str:day>/",
        views.route_sheet,
        name="route_sheet",
    ),
    path("visits/<int:visit_id>/outcome/", views.visit_outcome, name="visit_outcome"),
    path("visits/<int:visit_id>/work-order.pdf", views.work_order_pdf, name="work_order_pdf"),
]
