from django.urls import path

from bulletin import views

app_name = "bulletin"
urlpatterns = [
    path("", views.issue_list, name="issue_list"),
    path("<int:pk>/", views.issue_detail, name="issue_detail"),
    path("<int:pk>/pdf/", views.issue_pdf_download, name="issue_pdf"),
]
