from django.utils.cache import add_never_cache_headers


class NoStoreMiddleware:
    """Keep pages out of browser and proxy caches: a page may hold personal data.

    Every response to a signed-in user is marked ``no-store`` (whatever the view said), so
    that nothing they saw stays on a shared or seized computer or in a proxy. Responses to
    anonymous visitors are marked too (sign-in, applications and consultation pages carry
    what the visitor typed), unless the view chose its own ``Cache-Control`` (for example
    ``@cache_control(public=True, ...)`` on a page everyone may see). Static files never
    reach this middleware: WhiteNoise answers them first, with a year of caching.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        if signed_in or not response.has_header("Cache-Control"):
            add_never_cache_headers(response)
        return response
