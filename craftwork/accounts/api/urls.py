from django.urls import path

from . import views

app_name = "accounts-api"

urlpatterns = [
    path("auth/signup/", views.SignupView.as_view(), name="signup"),
    path("auth/verify-email/", views.VerifyEmailView.as_view(), name="verify-email"),
    path(
        "auth/verify-email/resend/",
        views.VerifyEmailResendView.as_view(),
        name="verify-email-resend",
    ),
    path("auth/token/", views.TokenObtainView.as_view(), name="token"),
    path("auth/login-link/", views.LoginLinkView.as_view(), name="login-link"),
    path("auth/token/refresh/", views.TokenRefreshView.as_view(), name="token-refresh"),
    path("auth/logout/", views.LogoutView.as_view(), name="logout"),
    path("auth/ws-ticket/", views.WebSocketTicketView.as_view(), name="ws-ticket"),
    path("auth/password/change/", views.PasswordChangeView.as_view(), name="password-change"),
    path("auth/password/reset/", views.PasswordResetView.as_view(), name="password-reset"),
    path(
        "auth/password/reset/confirm/",
        views.PasswordResetConfirmView.as_view(),
        name="password-reset-confirm",
    ),
    path("me/", views.MeView.as_view(), name="me"),
    path("me/avatar/", views.AvatarView.as_view(), name="avatar"),
    path("me/switch-view/", views.SwitchViewView.as_view(), name="switch-view"),
    path("me/roles/", views.RolesView.as_view(), name="roles"),
    path("organizations/", views.OrganizationListView.as_view(), name="organization-list"),
    path(
        "organizations/<uuid:pk>/",
        views.OrganizationDetailView.as_view(),
        name="organization-detail",
    ),
    path("organizations/<uuid:pk>/members/", views.MemberListView.as_view(), name="member-list"),
    path(
        "organizations/<uuid:pk>/members/<uuid:member_pk>/",
        views.MemberDetailView.as_view(),
        name="member-detail",
    ),
    path(
        "organizations/<uuid:pk>/invitations/",
        views.InvitationListView.as_view(),
        name="invitation-list",
    ),
    path(
        "organizations/<uuid:pk>/invitations/<uuid:invitation_pk>/",
        views.InvitationDetailView.as_view(),
        name="invitation-detail",
    ),
    path("invitations/accept/", views.InvitationAcceptView.as_view(), name="invitation-accept"),
]
