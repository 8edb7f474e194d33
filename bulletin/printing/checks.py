"""System checks: a machine without CJK fonts is reported, not discovered as boxes."""

from django.core.checks import Info, Warning, register

from bulletin.printing import fonts


@register("fonts")
def check_cjk_fonts(app_configs=None, **kwargs):
    if fonts.cjk_faces_installed():
        return []
    return [
        Warning(
            "No CJK font is installed: the printed bulletin would show boxes.",
            hint="Install a CJK face, e.g. `apt-get install fonts-noto-cjk` on Debian.",
            id="bulletin.W001",
        )
    ]


# Notes for whoever sets up a server (`manage.py check --deploy`), not for every command.
@register("fonts", deploy=True)
def check_font_quality(app_configs=None, **kwargs):
    if not fonts.cjk_faces_installed():
        return []
    messages = []
    missing = fonts.missing_official_faces()
    if missing:
        messages.append(
            Info(
                "Official faces not installed, open fallbacks are used: " + ", ".join(missing),
                hint="Install the official faces (仿宋_GB2312, 楷体_GB2312, 黑体, 方正小标宋简体) "
                "for print identical to the Word template.",
                id="bulletin.I001",
            )
        )
    if not fonts.read_manifest():
        messages.append(
            Info(
                "The GB2312 font subsets are not built: PDFs render slower and larger.",
                hint="Run `python manage.py build_fonts` once.",
                id="bulletin.I002",
            )
        )
    return messages
