import pytest
from django.test import Client

from kenesh.access.testing import complete_second_step
from kenesh.core.testing.personas import PASSWORD


@pytest.fixture
def login(personas):
    """``login("staff")``: a client signed in as that persona, past the second step."""

    def make(name: str | None) -> Client:
        client = Client()
        if name is not None:
            assert client.login(username=name, password=PASSWORD)
            complete_second_step(client)
        return client

    return make
