from django.urls import path

from . import views as v

app_name = "recruiting"

urlpatterns = [
    path("workspaces/switch/", v.switch_workspace, name="switch"),
    path("w/<slug:slug>/", v.workspace_home, name="workspace"),
    path("w/<slug:slug>/pipeline/", v.pipeline_settings, name="pipeline"),
    path("w/<slug:slug>/openings/new/", v.opening_create, name="opening-create"),
    path("w/<slug:slug>/openings/<uuid:pk>/", v.board, name="board"),
    path("w/<slug:slug>/openings/<uuid:pk>/bulk/", v.bulk_move, name="bulk-move"),
    path("w/<slug:slug>/openings/<uuid:pk>/<str:name>/", v.opening_transition,
         name="opening-transition"),
    path("w/<slug:slug>/applications/<uuid:pk>/", v.application_detail, name="application"),
    path("w/<slug:slug>/applications/<uuid:pk>/cv/", v.application_cv, name="application-cv"),
    path("w/<slug:slug>/applications/<uuid:pk>/move/", v.application_move, name="move"),
    path("w/<slug:slug>/applications/<uuid:pk>/notes/", v.note_add, name="note-add"),
    path("w/<slug:slug>/applications/<uuid:pk>/scorecard/", v.scorecard_submit,
         name="scorecard"),
    path("w/<slug:slug>/applications/<uuid:pk>/offers/", v.offer_create, name="offer-create"),
    path("w/<slug:slug>/offers/<uuid:pk>/<str:name>/", v.offer_action, name="offer-action"),
    path("offers/<uuid:pk>/<str:answer>/", v.offer_answer, name="offer-answer"),
    path("c/<slug:slug>/", v.careers, name="careers"),
    path("openings/", v.openings_list, name="openings"),
    path("openings/<uuid:pk>/", v.opening_detail, name="opening"),
    path("openings/<uuid:pk>/apply/", v.apply, name="apply"),
    path("openings/<uuid:pk>/apply-as-guest/", v.apply_as_guest, name="apply-guest"),
    path("applications/", v.my_applications, name="my-applications"),
    path("applications/<uuid:pk>/", v.my_application, name="my-application"),
]  # fmt: skip
