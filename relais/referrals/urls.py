from django.urls import path

from . import views

app_name = "referrals"

urlpatterns = [
    path("", views.referral_list, name="list"),
    path("new/", views.referral_create, name="create"),
    path("statistics/", views.statistics, name="statistics"),
    path("consent-form/", views.consent_form, name="consent_form"),
    path("calendar/", views.calendar_settings, name="calendar"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
    path("<uuid:pk>/", views.referral_detail, name="detail"),
    path("<uuid:pk>/edit/", views.referral_edit, name="edit"),
    path("<uuid:pk>/consent/", views.referral_consent, name="consent"),
    path(
        "<uuid:pk>/consent/withdraw/",
        views.referral_consent_withdraw,
        name="consent_withdraw",
    ),
    path("<uuid:pk>/status/", views.referral_transition, name="transition"),
    path("<uuid:pk>/messages/", views.referral_message, name="message"),
    path(
        "<uuid:pk>/documents/<uuid:document_pk>/",
        views.document_download,
        name="document",
    ),
    path("<uuid:pk>/deadlines/", views.referral_deadline, name="deadline"),
    path("<uuid:pk>/readers/", views.referral_readers, name="readers"),
    path("<uuid:pk>/export/", views.referral_export, name="export"),
    path("<uuid:pk>/erase/", views.referral_erase, name="erase"),
    path("<uuid:pk>/handover/", views.referral_handover, name="handover"),
]
