from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DepartmentsConfig(AppConfig):
    name = "departments"
    verbose_name = _("departments and users")

    def ready(self) -> None:
        from departments.throttle import trusted_proxies

        # A mistyped TRUSTED_PROXIES stops every process at start, not the first login.
        trusted_proxies()
