from django.urls import path

from . import views

app_name = "vendors"

urlpatterns = [
    path("", views.guide, name="guide"),
    path("evaluations/", views.evaluation_list, name="evaluation_list"),
    path("evaluations/<int:pk>/", views.evaluation_detail, name="evaluation_detail"),
    path("evaluations/files/<int:pk>/", views.file_download, name="file_download"),
]
