from django.urls import path

from . import views as v

app_name = "jobs-api"

urlpatterns = [
    path("jobs/", v.JobListCreateApi.as_view(), name="job-list"),
    path("jobs/mine/", v.MyJobsApi.as_view(), name="my-jobs"),
    path("jobs/<uuid:pk>/", v.JobDetailApi.as_view(), name="job-detail"),
    path("jobs/<uuid:pk>/publish/", v.JobPublishApi.as_view(), name="job-publish"),
    path("jobs/<uuid:pk>/close/", v.JobCloseApi.as_view(), name="job-close"),
    path("jobs/<uuid:pk>/cancel/", v.JobCancelApi.as_view(), name="job-cancel"),
    path("jobs/<uuid:pk>/attachments/", v.JobAttachmentsApi.as_view(), name="job-attachments"),
    path(
        "jobs/<uuid:pk>/attachments/<uuid:attachment_pk>/",
        v.JobAttachmentApi.as_view(),
        name="job-attachment",
    ),
    path("jobs/<uuid:pk>/proposals/", v.JobProposalsApi.as_view(), name="job-proposals"),
    path("jobs/<uuid:pk>/invitations/", v.JobInvitationsApi.as_view(), name="job-invitations"),
    path("proposals/mine/", v.MyProposalsApi.as_view(), name="my-proposals"),
    path("proposals/<uuid:pk>/", v.ProposalDetailApi.as_view(), name="proposal-detail"),
    path(
        "proposals/<uuid:pk>/withdraw/", v.ProposalWithdrawApi.as_view(), name="proposal-withdraw"
    ),
    path(
        "proposals/<uuid:pk>/shortlist/",
        v.ProposalShortlistApi.as_view(),
        name="proposal-shortlist",
    ),
    path(
        "proposals/<uuid:pk>/unshortlist/",
        v.ProposalUnshortlistApi.as_view(),
        name="proposal-unshortlist",
    ),
    path("proposals/<uuid:pk>/decline/", v.ProposalDeclineApi.as_view(), name="proposal-decline"),
    path("proposals/<uuid:pk>/accept/", v.ProposalAcceptApi.as_view(), name="proposal-accept"),
    path(
        "proposals/<uuid:pk>/attachments/",
        v.ProposalAttachmentsApi.as_view(),
        name="proposal-attachments",
    ),
    path(
        "proposals/<uuid:pk>/attachments/<uuid:attachment_pk>/",
        v.ProposalAttachmentApi.as_view(),
        name="proposal-attachment",
    ),
    path("job-invitations/mine/", v.MyInvitationsApi.as_view(), name="my-invitations"),
    path("job-invitations/sent/", v.SentInvitationsApi.as_view(), name="sent-invitations"),
    path("job-invitations/<uuid:pk>/", v.InvitationDetailApi.as_view(), name="invitation-detail"),
    path(
        "job-invitations/<uuid:pk>/accept/",
        v.InvitationAcceptApi.as_view(),
        name="invitation-accept",
    ),
    path(
        "job-invitations/<uuid:pk>/decline/",
        v.InvitationDeclineApi.as_view(),
        name="invitation-decline",
    ),
    path(
        "job-invitations/<uuid:pk>/withdraw/",
        v.InvitationWithdrawApi.as_view(),
        name="invitation-withdraw",
    ),
]
