from django.urls import path

from . import views

app_name = "events"

urlpatterns = [
    path("", views.event_list, name="list"),
    path("new/", views.event_create, name="create"),
    path("calendars/", views.feeds, name="feeds"),
    path("calendars/country/<str:code>.ics", views.feed_country, name="feed_country"),
    path(
        "calendars/audience/<str:profession>.ics",
        views.feed_audience,
        name="feed_audience",
    ),
    path("registration/<str:token>/", views.registration_page, name="registration"),
    path(
        "registration/<str:token>/confirm/",
        views.registration_confirm,
        name="confirm",
    ),
    path(
        "registration/<str:token>/certificate.pdf",
        views.certificate,
        name="certificate",
    ),
    path("<slug:slug>/", views.event_detail, name="detail"),
    path("<slug:slug>/event.ics", views.event_ics, name="ics"),
    path("<slug:slug>/edit/", views.event_edit, name="edit"),
    path("<slug:slug>/register/", views.register, name="register"),
    path("<slug:slug>/register/guest/", views.register_guest, name="register_guest"),
    path("<slug:slug>/my-registration/", views.my_registration, name="mine"),
    path("<slug:slug>/participants/", views.participants, name="participants"),
    path(
        "<slug:slug>/participants.csv",
        views.participants_export,
        {"file_format": "csv"},
        name="export_csv",
    ),
    path(
        "<slug:slug>/participants.xlsx",
        views.participants_export,
        {"file_format": "xlsx"},
        name="export_xlsx",
    ),
    path("<slug:slug>/materials/", views.material_add, name="material_add"),
    path("<slug:slug>/programme/", views.session_add, name="session_add"),
    path(
        "<slug:slug>/materials/<uuid:pk>.pdf", views.material_pdf, name="material_pdf"
    ),
]
