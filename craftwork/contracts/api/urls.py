from django.urls import path

from . import order_views as o
from . import views as v

app_name = "contracts-api"

C = "contracts/<uuid:pk>/"
M = C + "milestones/<uuid:milestone_pk>/"
TS = C + "timesheets/<uuid:timesheet_pk>/"

urlpatterns = [
    path("contracts/", v.ContractListApi.as_view(), name="list"),
    path(C, v.ContractDetailApi.as_view(), name="detail"),
    path(C + "transitions/", v.ContractTransitionApi.as_view(), name="transition"),
    path(C + "cancel/", v.ContractCancelApi.as_view(), name="cancel"),
    path(C + "dispute/", v.ContractDisputeApi.as_view(), name="dispute"),
    path(C + "milestones/", v.MilestoneListApi.as_view(), name="milestones"),
    path(M, v.MilestoneDetailApi.as_view(), name="milestone"),
    path(M + "agree/", v.MilestoneAgreeApi.as_view(), name="milestone-agree"),
    path(M + "fund/", v.MilestoneFundApi.as_view(), name="milestone-fund"),
    path(M + "submit/", v.MilestoneSubmitApi.as_view(), name="milestone-submit"),
    path(M + "approve/", v.MilestoneApproveApi.as_view(), name="milestone-approve"),
    path(
        M + "request-changes/",
        v.MilestoneRequestChangesApi.as_view(),
        name="milestone-request-changes",
    ),
    path(C + "time-logs/", v.TimeLogListApi.as_view(), name="time-logs"),
    path(C + "time-logs/<uuid:log_pk>/", v.TimeLogDetailApi.as_view(), name="time-log"),
    path(C + "timesheets/", v.TimesheetListApi.as_view(), name="timesheets"),
    path(TS + "submit/", v.TimesheetSubmitApi.as_view(), name="timesheet-submit"),
    path(TS + "approve/", v.TimesheetApproveApi.as_view(), name="timesheet-approve"),
    path(TS + "reject/", v.TimesheetRejectApi.as_view(), name="timesheet-reject"),
    path(TS + "pay/", v.TimesheetPayApi.as_view(), name="timesheet-pay"),
    path(C + "files/<uuid:file_pk>/", v.DeliveryFileApi.as_view(), name="file"),
    # gig orders
    path(C + "gig/", o.GigOrderApi.as_view(), name="gig"),
    path(C + "gig/requirements/", o.GigRequirementsApi.as_view(), name="gig-requirements"),
    path(C + "gig/deliver/", o.GigDeliverApi.as_view(), name="gig-deliver"),
    path(C + "gig/accept/", o.GigAcceptApi.as_view(), name="gig-accept"),
    path(
        C + "gig/request-revision/",
        o.GigRequestRevisionApi.as_view(),
        name="gig-request-revision",
    ),
    path(C + "gig/cancel-late/", o.GigCancelLateApi.as_view(), name="gig-cancel-late"),
    path(C + "gig/files/<uuid:file_pk>/", o.GigFileApi.as_view(), name="gig-file"),
    # sessions
    path(C + "session/", o.SessionApi.as_view(), name="session"),
    path(
        C + "session/cancel-preview/",
        o.SessionCancelPreviewApi.as_view(),
        name="session-cancel-preview",
    ),
    path(C + "session/confirm/", o.SessionConfirmApi.as_view(), name="session-confirm"),
    path(C + "session/cancel/", o.SessionCancelApi.as_view(), name="session-cancel"),
    path(
        C + "session/report-absence/",
        o.SessionReportAbsenceApi.as_view(),
        name="session-report-absence",
    ),
    path(C + "session/contest/", o.SessionContestApi.as_view(), name="session-contest"),
]
