from django.urls import path

from . import views
from .verification import views as verification_views

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
    path(
        "directory/<slug:slug>/edit/",
        verification_views.listing_edit,
        name="listing_edit",
    ),
    path(
        "directory/<slug:slug>/confirm/",
        verification_views.listing_confirm,
        name="listing_confirm",
    ),
    path(
        "directory/<slug:slug>/claim/", verification_views.listing_claim, name="claim"
    ),
    path("coordination/", verification_views.coordination, name="coordination"),
    path(
        "coordination/changes/<uuid:pk>/",
        verification_views.change_request_review,
        name="change_review",
    ),
    path(
        "coordination/claims/<uuid:pk>/",
        verification_views.claim_review,
        name="claim_review",
    ),
]
