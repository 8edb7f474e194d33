"""System checks: the shipped faces are there; a server without the official faces is
told (it prints with the shipped open ones)."""

from django.core.checks import Error, Info, register

from bulletin.printing import fonts


@register("fonts")
def check_shipped_fonts(app_configs=None, **kwargs):
    missing = fonts.missing_shipped_faces()
    if not missing:
        return []
    return [
        Error(
            "Shipped font files are missing: " + ", ".join(missing),
            hint=f"They are committed in {fonts.shipped_dir()}; restore them from git.",
            id="bulletin.E001",
        )
    ]


# A note for whoever sets up a server (`manage.py check --deploy`), not for every command.
@register("fonts", deploy=True)
def check_official_faces(app_configs=None, **kwargs):
    missing = fonts.missing_official_faces()
    if not missing:
        return []
    return [
        Info(
            "Official faces not installed, the shipped open faces are used: " + ", ".join(missing),
            hint="Install the official faces (仿宋_GB2312, 楷体_GB2312, 黑体, 方正小标宋简体) "
            "for print identical to the Word template.",
            id="bulletin.I001",
        )
    ]
