from django.urls import path

from . import views

app_name = "verification"

urlpatterns = [
    path("directory/<slug:slug>/edit/", views.listing_edit, name="listing_edit"),
    path(
        "directory/<slug:slug>/confirm/", views.listing_confirm, name="listing_confirm"
    ),
    path("directory/<slug:slug>/claim/", views.listing_claim, name="claim"),
    path(
        "directory/<slug:slug>/suggest-correction/",
        views.suggestion_new,
        name="suggestion_new",
    ),
    path("corrections/", views.suggestions_inbox, name="suggestions"),
    path("corrections/mine/", views.suggestions_mine, name="suggestions_mine"),
    path("corrections/<uuid:pk>/", views.suggestion_detail, name="suggestion"),
    path("coordination/", views.coordination, name="coordination"),
    path(
        "coordination/changes/<uuid:pk>/",
        views.change_request_review,
        name="change_review",
    ),
    path("coordination/claims/<uuid:pk>/", views.claim_review, name="claim_review"),
]
