import os

from django.core.asgi import get_asgi_application

from config import serve_in_production_mode_unless_asked

serve_in_production_mode_unless_asked()
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_asgi_application()
