from django.urls import path

from . import views

app_name = "knowledge"

urlpatterns = [
    path("", views.knowledge_home, name="home"),
    path("countries/<str:code>/", views.profile_detail, name="profile"),
    path("compare/", views.compare, name="compare"),
    path("legislation/", views.legislation_list, name="legislation"),
    path("legislation/<slug:slug>/", views.provision_detail, name="provision"),
    path("practices/", views.practice_list, name="practices"),
    path("practices/propose/", views.practice_propose, name="practice_propose"),
    path("practices/<slug:slug>/", views.practice_detail, name="practice"),
    path(
        "practices/<slug:slug>/review/", views.practice_review, name="practice_review"
    ),
    path("handbook/", views.handbook_contents, name="handbook"),
    path("handbook/print/", views.handbook_print, name="handbook_print"),
    path("handbook/relais-handbook.pdf", views.handbook_pdf, name="handbook_pdf"),
    path(
        "handbook/<slug:chapter>/<slug:section>/", views.section_detail, name="section"
    ),
    path(
        "handbook/<slug:chapter>/<slug:section>/history/",
        views.section_history,
        name="section_history",
    ),
    path(
        "handbook/<slug:chapter>/<slug:section>/edit/",
        views.section_edit,
        name="section_edit",
    ),
    path("navigator/", views.navigator, name="navigator"),
    path("navigator/rights-sheet.pdf", views.navigator_pdf, name="navigator_pdf"),
    path("search/", views.knowledge_search, name="search"),
]
