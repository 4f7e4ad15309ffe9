import pytest

from tests.smtp import local_smtp


@pytest.fixture
def smtp(settings):
    """A real SMTP server on loopback; the platform's mail goes to it."""
    with local_smtp() as server:
        for name, value in server.settings().items():
            setattr(settings, name, value)
        settings.EMAIL_TIMEOUT = 2
        yield server
