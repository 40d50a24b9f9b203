"""factory_boy factories for Panah's models. Data goes through services where rules live."""

from __future__ import annotations

import factory

from panah.accounts.models import Membership, Organisation, User
from panah.places.models import District, Place


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Legal Aid Org {n}")
    kind = Organisation.Kind.LEGAL_AID


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Sequence(lambda n: f"Staff{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("correct horse battery staple")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = "operator"


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = District
        django_get_or_create = ("name",)

    name = "Quetta"
    name_ur = "کوئٹہ"


class PlaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Place
        django_get_or_create = ("district", "kind", "name")

    kind = Place.Kind.POLICE_STATION
    name = "Brewery Police Station"
    district = factory.SubFactory(DistrictFactory)
