import os


def serve_in_production_mode_unless_asked() -> None:
    """For the web server's entry points (wsgi.py, asgi.py), before the settings load.

    `make` writes a development .env (DEBUG=1, JIANBAO_DEMO=1) that the settings read in
    every process of a checkout, so a gunicorn started there ran with the debug pages,
    the demo logins and the development key. The server keeps reading the rest of .env
    (a deployment may keep its SECRET_KEY or DATABASE_URL there) but takes these two from
    its real environment only: `DEBUG=1 gunicorn …` still asks for debug mode.
    """
    os.environ.setdefault("DEBUG", "0")
    os.environ.setdefault("JIANBAO_DEMO", os.environ["DEBUG"])
