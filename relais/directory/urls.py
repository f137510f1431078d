from django.urls import path

from . import views

app_name = "directory"

urlpatterns = [
    path("directory/", views.directory_list, name="list"),
    path("directory/places/", views.place_options, name="places"),
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
    path("countries/<str:code>/directory.pdf", views.country_pdf, name="country_pdf"),
    path(
        "countries/<str:code>/directory-professional.pdf",
        views.country_pdf_professional,
        name="country_pdf_professional",
    ),
]
