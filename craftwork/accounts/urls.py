from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("login/link/<str:uidb64>/<str:token>/", views.login_link_view, name="login-link"),
    path("logout/", views.logout_view, name="logout"),
    path("signup/", views.signup_view, name="signup"),
    path("verify/sent/", views.verify_email_sent_view, name="verify-email-sent"),
    path("verify/resend/", views.verify_email_resend_view, name="verify-email-resend"),
    path("verify/<str:uidb64>/<str:token>/", views.verify_email_view, name="verify-email"),
    path("password/change/", views.password_change_view, name="password-change"),
    path("password/reset/", views.password_reset_view, name="password-reset"),
    path("password/reset/done/", views.password_reset_done_view, name="password-reset-done"),
    path(
        "password/reset/complete/",
        views.password_reset_complete_view,
        name="password-reset-complete",
    ),
    path(
        "password/reset/<str:uidb64>/<str:token>/",
        views.password_reset_confirm_view,
        name="password-reset-confirm",
    ),
    path("settings/", views.settings_view, name="settings"),
    path("settings/avatar/", views.avatar_view, name="avatar"),
    path("settings/avatar/delete/", views.avatar_delete_view, name="avatar-delete"),
    path("settings/roles/", views.role_add_view, name="role-add"),
    path("switch-view/", views.switch_view_view, name="switch-view"),
    path("organizations/", views.organizations_view, name="organizations"),
    path("organizations/<uuid:pk>/", views.organization_detail_view, name="organization-detail"),
    path("organizations/<uuid:pk>/edit/", views.organization_edit_view, name="organization-edit"),
    path(
        "organizations/<uuid:pk>/invite/",
        views.organization_invite_view,
        name="organization-invite",
    ),
    path(
        "organizations/<uuid:pk>/members/<uuid:member_pk>/role/",
        views.member_role_view,
        name="organization-member-role",
    ),
    path(
        "organizations/<uuid:pk>/members/<uuid:member_pk>/remove/",
        views.member_remove_view,
        name="organization-member-remove",
    ),
    path(
        "organizations/<uuid:pk>/invitations/<uuid:invitation_pk>/revoke/",
        views.invitation_revoke_view,
        name="organization-invitation-revoke",
    ),
    path("invitations/<str:token>/", views.invitation_accept_view, name="invitation-accept"),
]
