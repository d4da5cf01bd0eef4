from django.urls import path

from . import views as v

app_name = "recruiting-api"

urlpatterns = [
    path("workspaces/", v.WorkspacesApi.as_view(), name="workspaces"),
    path("recruiting/stages/", v.StagesApi.as_view(), name="stages"),
    path("recruiting/openings/", v.TeamOpeningsApi.as_view(), name="team-openings"),
    path("recruiting/openings/<uuid:pk>/", v.TeamOpeningApi.as_view(), name="team-opening"),
    path("recruiting/openings/<uuid:pk>/publish/", v.OpeningPublishApi.as_view(),
         name="opening-publish"),
    path("recruiting/openings/<uuid:pk>/pause/", v.OpeningPauseApi.as_view(),
         name="opening-pause"),
    path("recruiting/openings/<uuid:pk>/resume/", v.OpeningResumeApi.as_view(),
         name="opening-resume"),
    path("recruiting/openings/<uuid:pk>/close/", v.OpeningCloseApi.as_view(),
         name="opening-close"),
    path("recruiting/openings/<uuid:pk>/applications/", v.OpeningApplicationsApi.as_view(),
         name="opening-applications"),
    path("recruiting/openings/<uuid:pk>/applications/bulk-move/", v.BulkMoveApi.as_view(),
         name="bulk-move"),
    path("recruiting/openings/<uuid:pk>/matches/", v.OpeningMatchesApi.as_view(),
         name="opening-matches"),
    path("recruiting/applications/<uuid:pk>/", v.ApplicationApi.as_view(), name="application"),
    path("recruiting/applications/<uuid:pk>/move/", v.ApplicationMoveApi.as_view(),
         name="application-move"),
    path("recruiting/applications/<uuid:pk>/notes/", v.NotesApi.as_view(), name="notes"),
    path("recruiting/applications/<uuid:pk>/scorecards/", v.ScorecardsApi.as_view(),
         name="scorecards"),
    path("openings/", v.PublicOpeningsApi.as_view(), name="openings"),
    path("openings/<uuid:pk>/", v.PublicOpeningApi.as_view(), name="opening"),
    path("openings/<uuid:pk>/apply/", v.ApplyApi.as_view(), name="apply"),
    path("applications/mine/", v.MyApplicationsApi.as_view(), name="my-applications"),
    path("applications/mine/<uuid:pk>/", v.MyApplicationApi.as_view(), name="my-application"),
    path("applications/mine/<uuid:pk>/withdraw/", v.WithdrawApi.as_view(), name="withdraw"),
]  # fmt: skip
