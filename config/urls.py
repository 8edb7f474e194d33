from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.urls import include, path
from django.views.generic import RedirectView

from departments.forms import LoginForm
from ops.views import favicon, health

urlpatterns = [
    path(
        "",
        login_required(RedirectView.as_view(pattern_name="bulletin:issue_list", permanent=False)),
    ),
    path("login/", auth_views.LoginView.as_view(authentication_form=LoginForm), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("issues/", include("bulletin.urls")),
    path("scoring/", include("scoring.urls")),
    path("adoption/", include("bulletin.adoption.urls")),
    path("admin/", admin.site.urls),
    path("health/", health, name="health"),
    path("favicon.ico", favicon, name="favicon"),
]

# A post over the upload limits says so (ops.views.bad_request); other 400s as before.
handler400 = "ops.views.bad_request"
