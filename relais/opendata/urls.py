from django.urls import path

from . import views

app_name = "opendata"

urlpatterns = [
    path("directory/download/<str:kind>", views.directory_export, name="export"),
    path(
        "directory/download/<str:kind>/professional",
        views.directory_export_professional,
        name="export_professional",
    ),
]
