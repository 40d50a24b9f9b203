"""factory_boy factories for advocates and their rota."""

from __future__ import annotations

import datetime
from typing import Any

import factory

from panah.advocates.models import Advocate, Panel, Shift
from panah.testing.factories import MembershipFactory, OrganisationFactory, UserFactory

VERIFIED_AT = datetime.datetime(2026, 1, 5, 9, 0, tzinfo=datetime.UTC)


class AdvocateFactory(factory.django.DjangoModelFactory):
    """A verified, available advocate (with an "advocate" membership of the organisation)."""

    class Meta:
        model = Advocate
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    bar_council = "Balochistan Bar Council"
    enrolment_number = factory.Sequence(lambda n: f"BBC-{n:05d}")
    verified_at = VERIFIED_AT
    languages = factory.LazyFunction(lambda: ["ur", "en"])
    phone = factory.Sequence(lambda n: f"+92301{n:07d}")
    phone_digest = factory.Sequence(lambda n: f"digest-{n:057d}")

    @factory.post_generation
    def membership(obj: Advocate, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted is not False:
            MembershipFactory(user=obj.user, organisation=obj.organisation, role="advocate")

    @factory.post_generation
    def covers(obj: Advocate, create: bool, extracted: Any, **kwargs: Any) -> None:
        """`covers=[district_or_place, …]`: the profile's cover."""
        from panah.places.models import District

        for thing in extracted or ():
            (obj.districts if isinstance(thing, District) else obj.places).add(thing)


class ShiftFactory(factory.django.DjangoModelFactory):
    """A weekly shift, all day on Monday, covering the profile's cover, unless told otherwise."""

    class Meta:
        model = Shift

    organisation = factory.SubFactory(OrganisationFactory)
    user = factory.SubFactory(UserFactory)
    kind = Shift.Kind.WEEKLY
    weekday = 0
    starts = datetime.time(0, 0)
    ends = datetime.time(0, 0)


class PanelFactory(factory.django.DjangoModelFactory):
    """A panel; `serves=[organisation, …]` for the organisations under its MoU."""

    class Meta:
        model = Panel
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Refugee Panel {n}")
    mou_reference = factory.Sequence(lambda n: f"MOU-{n:04d}")

    @factory.post_generation
    def serves(obj: Panel, create: bool, extracted: Any, **kwargs: Any) -> None:
        for organisation in extracted or ():
            obj.organisations.add(organisation)


class ListedAdvocateFactory(AdvocateFactory):
    """An advocate printed on police station sheets: verified, active and agreed to be listed."""

    listed_on_sheets = True
