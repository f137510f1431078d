from django.urls import path

from . import views

app_name = "directory"

urlpatterns = [
    path("directory/", views.directory_list, name="list"),
    path("directory/places/", views.place_options, name="places"),
    path("directory/download/<str:kind>", views.directory_export, name="export"),
    path("directory/<slug:slug>/", views.listing_detail, name="listing"),
    path(
        "directory/<slug:slug>/vcard.vcf",
        views.organization_vcard_download,
        name="vcard",
    ),
    path(
        "directory/<slug:slug>/contacts/<uuid:contact_id>.vcf",
        views.contact_vcard_download,
        name="contact_vcard",
    ),
    path("countries/<str:code>/", views.country_detail, name="country"),
]
