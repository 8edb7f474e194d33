from django.urls import path

from scoring import views

app_name = "scoring"
urlpatterns = [
    path("", views.month_list, name="month_list"),
    path("<int:pk>/", views.month_detail, name="month_detail"),
    path("<int:pk>/entries/", views.entry_add, name="entry_add"),
    path("entries/<int:pk>/edit/", views.entry_edit, name="entry_edit"),
    path("entries/<int:pk>/delete/", views.entry_delete, name="entry_delete"),
    path("entries/<int:pk>/correct/", views.entry_correct, name="entry_correct"),
    path("<int:pk>/caps/", views.month_caps, name="month_caps"),
    path("<int:pk>/delete/", views.month_delete, name="month_delete"),
    path("<int:pk>/publish/", views.month_publish, name="month_publish"),
    path("<int:pk>/freeze/", views.month_freeze, name="month_freeze"),
    path("<int:pk>/objections/", views.objection_file, name="objection_file"),
    path("objections/<int:pk>/answer/", views.objection_answer, name="objection_answer"),
    path("notices/<int:pk>/open/", views.notice_open, name="notice_open"),
    path("notices/<int:pk>/read/", views.notice_read, name="notice_read"),
    path("<int:pk>/upload/", views.month_upload, name="month_upload"),
    path("<int:pk>/xlsx/", views.month_xlsx, name="month_xlsx"),
    path("<int:pk>/template/", views.month_template, name="month_template"),
    path("<int:pk>/entries/xlsx/", views.month_ledger_xlsx, name="month_ledger_xlsx"),
    path("departments/<int:pk>/<int:year>/", views.department_year, name="department_year"),
    path("inspections/", views.inspection_list, name="inspection_list"),
    path("inspections/<int:pk>/", views.inspection_detail, name="inspection_detail"),
    path("findings/<int:pk>/decide/", views.finding_decide, name="finding_decide"),
]
