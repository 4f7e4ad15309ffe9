"""Kenesh: a platform for regional expert-dialogue programmes."""

from importlib.metadata import PackageNotFoundError, version

try:
    # The installed package's version: pyproject.toml's, as CHANGELOG.md records it.
    __version__ = version("kenesh")
except PackageNotFoundError:  # run from a checkout that was never installed
    __version__ = "0+unknown"
