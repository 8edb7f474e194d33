import os

from django.core.wsgi import get_wsgi_application

from config import serve_in_production_mode_unless_asked

serve_in_production_mode_unless_asked()
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()
