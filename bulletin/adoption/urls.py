from django.urls import path

from bulletin.views import adoption as views

app_name = "adoption"
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:pk>/", views.month_detail, name="month"),
    path("<int:pk>/publish/", views.month_publish, name="publish"),
    path("<int:pk>/pdf/", views.month_pdf, name="pdf"),
    path("<int:pk>/xlsx/", views.month_xlsx, name="xlsx"),
    path("periods/", views.period, name="period"),
    path("departments/<int:pk>/<int:year>/", views.department_year, name="department"),
    path("items/<int:pk>/", views.item_detail, name="item"),
    path("items/<int:pk>/joint/", views.item_joint, name="joint"),
    path("items/<int:pk>/instructions/", views.instruction_add, name="instruction_add"),
    path("instructions/<int:pk>/delete/", views.instruction_delete, name="instruction_delete"),
    path("proposals/<int:pk>/decide/", views.proposal_decide, name="proposal_decide"),
    path("rules/", views.rules, name="rules"),
    path("issues/<int:pk>/attach/", views.attach, name="attach"),
]
