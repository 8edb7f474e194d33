from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BulletinConfig(AppConfig):
    name = "bulletin"
    verbose_name = _("bulletins")

    def ready(self) -> None:
        from bulletin.printing import checks  # noqa: F401  (registers the font checks)
