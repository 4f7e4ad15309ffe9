"""Time zones of the people messages go to, from the time zone database, never from fixed
offsets: Kazakhstan moved to UTC+5 in March 2024, and the database knows it."""

import zoneinfo

from django.conf import settings

# A person's zone until they choose one: their country's (Kazakhstan has kept one zone
# for the whole country since 2024; Asia/Almaty says so from tzdata 2024a on).
COUNTRY_ZONES = {
    "AF": "Asia/Kabul",
    "KG": "Asia/Bishkek",
    "KZ": "Asia/Almaty",
    "TJ": "Asia/Dushanbe",
    "UZ": "Asia/Tashkent",
}

# The zones the settings page offers: the region's first, then others users abroad need.
OFFERED = (
    "Asia/Kabul",
    "Asia/Tashkent",
    "Asia/Dushanbe",
    "Asia/Almaty",
    "Asia/Bishkek",
    "Asia/Samarkand",
    "Asia/Qostanay",
    "Europe/Moscow",
    "Europe/Istanbul",
    "Europe/Berlin",
    "Europe/London",
    "America/New_York",
    "UTC",
)


def is_zone(name: str) -> bool:
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return False
    return bool(name)


def zone_named(name: str) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(name if is_zone(name) else settings.TIME_ZONE)


def default_zone_name(country: str) -> str:
    return COUNTRY_ZONES.get(country or "", settings.TIME_ZONE)
