from django.urls import path

from . import order_views, views

app_name = "contracts"

urlpatterns = [
    path("", views.contract_list, name="list"),
    path("<uuid:pk>/", views.contract_detail, name="detail"),
    path("<uuid:pk>/transition/", views.transition, name="transition"),
    path("<uuid:pk>/milestones/", views.milestone_propose, name="milestone-propose"),
    path(
        "<uuid:pk>/milestones/<uuid:milestone_pk>/edit/",
        views.milestone_edit,
        name="milestone-edit",
    ),
    path(
        "<uuid:pk>/milestones/<uuid:milestone_pk>/fund/",
        views.milestone_fund,
        name="milestone-fund",
    ),
    path(
        "<uuid:pk>/milestones/<uuid:milestone_pk>/submit/",
        views.milestone_submit,
        name="milestone-submit",
    ),
    path(
        "<uuid:pk>/milestones/<uuid:milestone_pk>/dispute/",
        views.milestone_dispute,
        name="milestone-dispute",
    ),
    path("<uuid:pk>/time-logs/", views.timelog_create, name="timelog-create"),
    path("<uuid:pk>/time-logs/<uuid:log_pk>/edit/", views.timelog_edit, name="timelog-edit"),
    path("<uuid:pk>/time-logs/<uuid:log_pk>/delete/", views.timelog_delete, name="timelog-delete"),
    path(
        "<uuid:pk>/timesheets/<uuid:timesheet_pk>/pay/",
        views.timesheet_pay,
        name="timesheet-pay",
    ),
    path("<uuid:pk>/files/<uuid:file_pk>/", views.delivery_file, name="file"),
    # gig orders and sessions
    path("<uuid:pk>/gig/requirements/", order_views.gig_requirements, name="gig-requirements"),
    path("<uuid:pk>/gig/deliver/", order_views.gig_deliver, name="gig-deliver"),
    path("<uuid:pk>/gig/files/<uuid:file_pk>/", order_views.gig_file, name="gig-file"),
    path("<uuid:pk>/session/location/", order_views.session_location, name="session-location"),
]
