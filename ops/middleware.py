from django.utils.cache import patch_cache_control


class PrivateNoStoreMiddleware:
    """`Cache-Control: private, no-store` on every response to a signed-in user.

    Drafts, items in review and unissued PDFs are for the people logged in: neither a
    proxy nor the browser's disk cache keeps a copy for the next person at the machine.
    A response that already says how to cache it keeps its header (never_cache views;
    WhiteNoise answers for static files before this runs).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated:
                patch_cache_control(response, private=True, no_store=True)
        return response
