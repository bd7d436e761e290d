"""Request middleware: the interface language, and who/where for every history row."""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from django.utils import translation
from pghistory.middleware import HistoryMiddleware


class HistoryContextMiddleware(HistoryMiddleware):
    """pghistory's middleware, plus the HTTP method; DRF token users are picked up too,
    because pghistory updates the context when `request.user` is assigned in the view."""

    def get_context(self, request):
        context = super().get_context(request)
        context["method"] = request.method
        return context


class LocaleMiddleware(DjangoLocaleMiddleware):
    """Chinese unless the user chose otherwise with the language switcher (the cookie).

    The interface is zh-Hans by default whatever the browser's own language: the front-desk PC
    may well run an English Windows. API clients may still ask with Accept-Language.
    """

    def process_request(self, request):
        if request.path_info.startswith("/api/"):
            return super().process_request(request)
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
