from django.urls import path

from bulletin import views

app_name = "bulletin"
urlpatterns = [
    path("", views.issue_list, name="issue_list"),
    path("new/", views.issue_create, name="issue_create"),
    path("<int:pk>/", views.issue_detail, name="issue_detail"),
    path("<int:pk>/pdf/", views.issue_pdf_download, name="issue_pdf"),
    path("<int:pk>/review/", views.review_queue, name="review_queue"),
    path("<int:pk>/start-editing/", views.issue_start_editing, name="issue_start_editing"),
    path("<int:pk>/send-to-review/", views.issue_send_to_review, name="issue_send_to_review"),
    path("<int:pk>/approve/", views.issue_approve, name="issue_approve"),
    path("<int:pk>/return/", views.issue_return, name="issue_return"),
    path("<int:pk>/issue/", views.issue_issue, name="issue_issue"),
    path("<int:pk>/assemble/", views.assemble, name="assemble"),
    path("<int:pk>/sections/add/", views.section_add, name="section_add"),
    path("sections/<int:pk>/edit/", views.section_edit, name="section_edit"),
    path("sections/<int:pk>/delete/", views.section_delete, name="section_delete"),
    path("sections/<int:pk>/move/", views.section_move, name="section_move"),
    path("sections/<int:pk>/text/", views.section_text, name="section_text"),
    path("sections/<int:pk>/generate/", views.section_generate, name="section_generate"),
    path("sections/<int:pk>/records/", views.section_records, name="section_records"),
    path("items/<int:pk>/move/", views.submission_move, name="submission_move"),
    path("sections/<int:pk>/call/", views.section_call, name="section_call"),
    path("sections/<int:pk>/submit/", views.submission_new, name="submission_new"),
    path("my/", views.my_department, name="my_department"),
    path("items/<int:pk>/", views.submission_detail, name="submission_detail"),
    path("items/<int:pk>/edit/", views.submission_edit, name="submission_edit"),
    path("items/<int:pk>/submit/", views.submission_submit, name="submission_submit"),
    path("items/<int:pk>/withdraw/", views.submission_withdraw, name="submission_withdraw"),
    path("items/<int:pk>/accept/", views.submission_accept, name="submission_accept"),
    path("items/<int:pk>/return/", views.submission_return, name="submission_return"),
    path("items/<int:pk>/not-used/", views.submission_not_use, name="submission_not_use"),
]
