from django.urls import path

from . import views

app_name = "moderation-api"

urlpatterns = [
    path("flags/", views.FlagListCreateApi.as_view(), name="flags"),
    path("moderation/decisions/<uuid:pk>/", views.AuthorDecisionApi.as_view(), name="decision"),
    path("moderation/decisions/", views.DecisionListApi.as_view(), name="decisions"),
    path("moderation/cases/", views.CaseListApi.as_view(), name="cases"),
    path("moderation/cases/reopen/", views.CaseReopenApi.as_view(), name="case-reopen"),
    path("moderation/cases/<uuid:pk>/", views.CaseDetailApi.as_view(), name="case"),
    path("moderation/cases/<uuid:pk>/decide/", views.CaseDecideApi.as_view(), name="case-decide"),
    path(
        "moderation/flags/<uuid:pk>/dismiss/", views.FlagDismissApi.as_view(), name="flag-dismiss"
    ),
    path("moderation/terms/", views.BlockedTermListApi.as_view(), name="terms"),
    path("moderation/terms/<uuid:pk>/", views.BlockedTermApi.as_view(), name="term"),
]
