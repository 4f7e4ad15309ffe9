import datetime

import factory

from kenesh.convenings.models import Convening, Invitation, Participation, Session


class ConveningFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Convening

    kind = "rcwg"
    title = factory.Sequence(lambda n: f"Fictional meeting {n}")
    starts_on = datetime.date(2024, 5, 21)
    ends_on = datetime.date(2024, 5, 22)
    city = "Dushanbe"
    country = "TJ"
    confidentiality = "public"


class ParticipationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participation

    convening = factory.SubFactory(ConveningFactory)
    person = None
    role = "participant"
    invitation = Invitation.ACCEPTED
    attended = True


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    convening = factory.SubFactory(ConveningFactory)
    starts_at = factory.LazyAttribute(
        lambda s: datetime.datetime.combine(s.convening.starts_on, datetime.time(10), datetime.UTC)
    )
    ends_at = factory.LazyAttribute(lambda s: s.starts_at + datetime.timedelta(hours=1))
    title = factory.Sequence(lambda n: f"Session {n}")
    format = "panel"
