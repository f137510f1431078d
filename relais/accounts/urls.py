from django.urls import path

from . import access_requests, passkeys, password_reset, views

app_name = "accounts"

urlpatterns = [
    path("sign-in/", views.sign_in, name="login"),
    path("sign-out/", views.sign_out, name="logout"),
    path("sign-in/code/", views.two_factor, name="two_factor"),
    path("account/two-factor/", views.two_factor_setup, name="two_factor_setup"),
    path("account/recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path("account/confirm/", views.reauthenticate, name="reauthenticate"),
    path("account/", views.account, name="account"),
    path("account/password/", views.password_change, name="password_change"),
    path(
        "account/passkeys/<int:pk>/remove/",
        passkeys.passkey_remove,
        name="passkey_remove",
    ),
    path("password-reset/", password_reset.password_reset, name="password_reset"),
    path(
        "password-reset/sent/",
        password_reset.password_reset_done,
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        password_reset.password_reset_confirm,
        name="password_reset_confirm",
    ),
    path(
        "password-reset/done/",
        password_reset.password_reset_complete,
        name="password_reset_complete",
    ),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path(
        "request-access/",
        access_requests.access_request_new,
        name="access_request_new",
    ),
    path(
        "request-access/sent/",
        access_requests.access_request_sent,
        name="access_request_sent",
    ),
    path(
        "access-requests/",
        access_requests.access_request_list,
        name="access_requests",
    ),
    path(
        "access-requests/<uuid:uuid>/",
        access_requests.access_request_detail,
        name="access_request",
    ),
    path(
        "access-requests/<uuid:uuid>/approve/",
        access_requests.access_request_approve,
        name="access_request_approve",
    ),
    path(
        "access-requests/<uuid:uuid>/decline/",
        access_requests.access_request_reject,
        name="access_request_reject",
    ),
    path(
        "organisations/<slug:slug>/members/",
        views.organisation_members,
        name="organisation_members",
    ),
    path(
        "organisations/<slug:slug>/invitations/",
        views.invitation_create,
        name="invitation_create",
    ),
    path(
        "organisations/<slug:slug>/members/<uuid:user_uuid>/role/",
        views.membership_role,
        name="membership_role",
    ),
]
