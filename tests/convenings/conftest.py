import pytest

from tests.convenings.factories import ConveningFactory, ParticipationFactory, SessionFactory
from tests.factories import PersonFactory


@pytest.fixture
def meetings(personas):
    """A public, a Chatham House and a closed convening. The young expert takes part in
    the Chatham House and closed ones, the mentor in the public one, the expert in none;
    each has an outside participant whose name must not leak."""
    public = ConveningFactory(title="Open forum", confidentiality="public")
    chatham = ConveningFactory(title="Chatham meeting", confidentiality="chatham")
    closed = ConveningFactory(title="Closed dialogue", confidentiality="closed", kind="track2")
    outsider = PersonFactory(name="Секретный Участник", name_latin="Sekretnyi Uchastnik")
    for convening in (public, chatham, closed):
        speaker = ParticipationFactory(convening=convening, person=outsider, role="speaker")
        session = SessionFactory(convening=convening, notes="What was said, unattributed.")
        session.assignments.create(participation=speaker, role="speaker")
    ParticipationFactory(convening=public, person=personas["mentor"].person)
    ParticipationFactory(convening=chatham, person=personas["young_expert"].person)
    ParticipationFactory(convening=closed, person=personas["young_expert"].person)
    return {"public": public, "chatham": chatham, "closed": closed, "outsider": outsider}
