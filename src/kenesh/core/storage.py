"""Static files under hashed names, compressed, cached for a year by browsers."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    """WhiteNoise's hashed and compressed storage, which falls back to plain names while
    ``collectstatic`` has not run (tests, a development checkout): the page still works,
    only without the year-long caching that hashed names allow."""

    manifest_strict = False
    # Rewrite references in CSS only: the vendored scripts name source maps that are
    # not shipped, and they import nothing else.
    patterns = tuple(
        (extension, rules)
        for extension, rules in CompressedManifestStaticFilesStorage.patterns
        if extension == "*.css"
    )

    def stored_name(self, name):
        try:
            return super().stored_name(name)
        except ValueError:  # not collected yet: the finders serve it under its own name
            return name
