from django.core.cache import cache

from kenesh.core.models import PlatformSetting

_CACHE_SECONDS = 30


def get_setting(key: str, default=None):
    """A platform setting's value, cached briefly since every page may ask."""
    cache_key = f"kenesh:setting:{key}"
    sentinel = object()
    value = cache.get(cache_key, sentinel)
    if value is sentinel:
        row = PlatformSetting.objects.filter(key=key).values_list("value", flat=True).first()
        value = row
        cache.set(cache_key, value, _CACHE_SECONDS)
    return default if value is None else value


def set_setting(key: str, value) -> None:
    PlatformSetting.objects.update_or_create(key=key, defaults={"value": value})
    cache.delete(f"kenesh:setting:{key}")
