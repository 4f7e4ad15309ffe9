import factory
from django.utils import timezone

from kenesh.people.models import Country, Gender, Organization, Person, Sector, Theme, Track


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Fictional Institute {n}")
    name_en = factory.SelfAttribute("name")
    country = Country.KYRGYZSTAN
    sector = Sector.ACADEMIA


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme

    slug = factory.Sequence(lambda n: f"theme-{n}")
    name = factory.Sequence(lambda n: f"Theme {n}")
    name_ru = factory.Sequence(lambda n: f"Тема {n}")


class PersonFactory(factory.django.DjangoModelFactory):
    """A fictional expert, listed for members and consenting to data processing."""

    class Meta:
        model = Person
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Тестовый Эксперт{n}")
    name_latin = factory.Sequence(lambda n: f"Testovyi Ekspert{n}")
    gender = Gender.FEMALE
    birth_year = 1980
    country = Country.KYRGYZSTAN
    organization = factory.SubFactory(OrganizationFactory)
    position = "Analyst"
    sector = Sector.ACADEMIA
    track = Track.SEASONED
    email = factory.Sequence(lambda n: f"expert{n}@example.org")
    phone = "+000 555 0100"
    data_processing_consent_at = factory.LazyFunction(timezone.now)
    directory_consent_at = factory.LazyFunction(timezone.now)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        person = model_class(*args, **kwargs)
        person.refresh_derived_fields()
        person.save()
        return person

    @factory.post_generation
    def themes(self, create, extracted, **kwargs):
        if create and extracted:
            self.themes.set(extracted)
