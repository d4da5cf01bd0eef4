from django.urls import path

from . import views as v

app_name = "jobs"

urlpatterns = [
    path("", v.job_list, name="list"),
    path("new/", v.job_create, name="create"),
    path("mine/", v.my_jobs, name="mine"),
    path("<uuid:pk>/", v.job_detail, name="detail"),
    path("<uuid:pk>/edit/", v.job_edit, name="edit"),
    path("<uuid:pk>/publish/", v.job_publish, name="publish"),
    path("<uuid:pk>/close/", v.job_close, name="close"),
    path("<uuid:pk>/cancel/", v.job_cancel, name="cancel"),
    path("<uuid:pk>/attachments/", v.job_attachment_add, name="attachment-add"),
    path(
        "<uuid:pk>/attachments/<uuid:attachment_pk>/",
        v.job_attachment_download,
        name="attachment",
    ),
    path(
        "<uuid:pk>/attachments/<uuid:attachment_pk>/delete/",
        v.job_attachment_delete,
        name="attachment-delete",
    ),
    path("<uuid:pk>/proposals/", v.job_proposals, name="proposals"),
    path("<uuid:pk>/propose/", v.job_propose, name="propose"),
    path("<uuid:pk>/invite/", v.job_invite, name="invite"),
    path("invite/<uuid:profile_pk>/", v.invite_freelancer, name="invite-freelancer"),
    path("proposals/", v.my_proposals, name="my-proposals"),
    path("proposals/<uuid:pk>/", v.proposal_detail, name="proposal-detail"),
    path("proposals/<uuid:pk>/edit/", v.proposal_edit, name="proposal-edit"),
    path("proposals/<uuid:pk>/withdraw/", v.proposal_withdraw, name="proposal-withdraw"),
    path("proposals/<uuid:pk>/shortlist/", v.proposal_shortlist, name="proposal-shortlist"),
    path("proposals/<uuid:pk>/unshortlist/", v.proposal_unshortlist, name="proposal-unshortlist"),
    path("proposals/<uuid:pk>/decline/", v.proposal_decline, name="proposal-decline"),
    path("proposals/<uuid:pk>/accept/", v.proposal_accept, name="proposal-accept"),
    path(
        "proposals/<uuid:pk>/attachments/",
        v.proposal_attachment_add,
        name="proposal-attachment-add",
    ),
    path(
        "proposals/<uuid:pk>/attachments/<uuid:attachment_pk>/",
        v.proposal_attachment_download,
        name="proposal-attachment",
    ),
    path(
        "proposals/<uuid:pk>/attachments/<uuid:attachment_pk>/delete/",
        v.proposal_attachment_delete,
        name="proposal-attachment-delete",
    ),
    path("invitations/", v.invitations, name="invitations"),
    path("invitations/<uuid:pk>/", v.invitation_detail, name="invitation-detail"),
    path("invitations/<uuid:pk>/accept/", v.invitation_accept, name="invitation-accept"),
    path("invitations/<uuid:pk>/decline/", v.invitation_decline, name="invitation-decline"),
    path("invitations/<uuid:pk>/withdraw/", v.invitation_withdraw, name="invitation-withdraw"),
]
