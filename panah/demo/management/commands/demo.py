"""`panah demo`: set up a demo database with fictional data and serve it.

Everything is created through the services, so demo data is encrypted, indexed and audited
exactly as real data would be. The random seed is fixed, so every demo database holds the same
people, cases and stories; times are set relative to the moment of loading, so the custody
clocks and queues look live. While loading, the services' clock (django.utils.timezone.now) is
moved along each story, so a case opened "two days ago" has a timeline from two days ago; the
audit log keeps the real time of loading.
"""

from __future__ import annotations

import dataclasses
import datetime
import random
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from unittest import mock

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.utils import timezone

from panah.accounts.models import Organisation, User
from panah.accounts.selectors import Actor, actor_for
from panah.accounts.services import organisation_create, staff_create
from panah.advocates import services as advocates
from panah.advocates.models import Advocate, Shift
from panah.audit.services import Source
from panah.cases import services as cases
from panah.cases.models import Case, CaseType, Outcome, Priority, Status
from panah.channels import services as line_channels
from panah.channels.models import CallbackRequest, Conversation
from panah.channels.providers.base import InboundEvent
from panah.core.access import Role
from panah.demo import synthetic
from panah.dispatch.services import dispatch_start
from panah.duplicates.models import DuplicateCandidate
from panah.duplicates.services import duplicates_find
from panah.helpline import services as helpline
from panah.helpline.models import Contact
from panah.people import services as people
from panah.people.models import Consent, Person
from panah.places.models import District, Place
from panah.places.services import places_load
from panah.rights import services as rights
from panah.rights.models import ArticleVersion, ReviewState
from panah.rules.triage import risk_refresh_stale

DEMO_PASSWORD = "panah-demo-2026"
SEED = 20231003  # the day the repatriation plan was announced (facts.md §2.1)
# Printed on the demo's leaflets and screens as an example only: it is not a real line.
EXAMPLE_HELPLINE = "0800-00000"

ORGANISATIONS = [
    ("Quetta Refugee Legal Aid (demo)", Organisation.Kind.LEGAL_AID, "qrla", 300),
    ("Balochistan Bar Council Refugee Panel (demo)", Organisation.Kind.BAR_COUNCIL, "panel", 40),
    ("Afghan Community Network Quetta (demo)", Organisation.Kind.COMMUNITY, "network", 40),
]
# (username suffix, role, first name, last name, interface language): every role in the
# first organisation; an administrator, an operator and an advocate in the others. Staff work
# in different languages, so the demo shows all four (and right to left).
STAFF = [
    ("admin", Role.ORG_ADMIN, "Sana", "Baloch", "en"),
    ("coordinator", Role.COORDINATOR, "Farid", "Kakar", "ur"),
    ("casemanager", Role.CASE_MANAGER, "Ayesha", "Raza", "en"),
    ("operator", Role.OPERATOR, "Bilal", "Ahmed", "en"),
    ("operator2", Role.OPERATOR, "Hina", "Tareen", "ur"),
    ("advocate", Role.ADVOCATE, "Kamran", "Mengal", "ps"),
    ("advocate2", Role.ADVOCATE, "Nadia", "Jamali", "fa"),
    ("advocate3", Role.ADVOCATE, "Yousaf", "Achakzai", "en"),
    ("analyst", Role.ANALYST, "Omar", "Shah", "en"),
]
SMALL_ORG_STAFF = {"admin", "operator", "advocate"}
# Advocates' profiles by staff suffix: (languages, specialisations, listed on police station
# sheets). Enrolment numbers are BBC-DEMO-0001 …; phones sit in an obviously made-up block
# (0300 0000101 …, the coordinator's duty phone 0300 0000201).
ADVOCATE_PROFILES: dict[str, tuple[list[str], list[str], bool]] = {
    "advocate": (["ps", "ur", "en"], ["arrest_bail", "foreigners_act"], True),
    "advocate2": (["fa", "ps", "ur"], ["arrest_bail", "juvenile", "family"], True),
    "advocate3": (["ps", "ur", "bal", "en"], ["documents", "asylum", "arrest_bail"], False),
}
QUETTA_BASE = (Decimal("30.1830"), Decimal("66.9990"))  # chambers near the district courts
# The first organisation's weekly rota for Quetta: (staff, weekdays, from, until). Days by
# Kamran; nights by Nadia (Sunday to Thursday) and Yousaf (Friday); Saturday night nobody,
# the gap the rota page warns about. The coordinator is on duty for escalations by day.
ROTA: list[tuple[str, Sequence[int], datetime.time, datetime.time]] = [
    ("advocate", range(7), datetime.time(8), datetime.time(20)),
    ("advocate2", (6, 0, 1, 2, 3), datetime.time(20), datetime.time(8)),
    ("advocate3", (4,), datetime.time(20), datetime.time(8)),
    ("coordinator", range(7), datetime.time(8), datetime.time(20)),
]
SMALL_ORG_ROTA: list[tuple[str, Sequence[int], datetime.time, datetime.time]] = [
    ("advocate", range(6), datetime.time(9), datetime.time(18)),
]


class _Clock:
    """The time the services see while a demo story is written."""

    def __init__(self) -> None:
        self.now = timezone.now()

    def __call__(self) -> datetime.datetime:
        return self.now


@contextmanager
def _story_clock() -> Iterator[_Clock]:
    clock = _Clock()
    with mock.patch("django.utils.timezone.now", clock):
        yield clock


@dataclass
class _Org:
    organisation: Organisation
    staff: dict[str, User]

    @property
    def operators(self) -> list[Actor]:
        return [actor_for(u) for k, u in self.staff.items() if k.startswith("operator")]

    @property
    def advocates(self) -> list[User]:
        return [u for k, u in self.staff.items() if k.startswith("advocate")]

    @property
    def managers(self) -> list[Actor]:
        keys: list[str] = [k for k in ("casemanager", "coordinator") if k in self.staff]
        keys = keys or ["admin"]
        return [actor_for(self.staff[k]) for k in keys]


def _respell(name: str) -> str:
    """Spell a name as another registration might: Mohammad → Muhammad, Rahman → Rehman."""
    for one, other in (("Moham", "Muham"), ("ahman", "ehman"), ("ull", "ul"), ("oo", "u")):
        if one in name:
            return name.replace(one, other, 1)
    return name.upper()


class Command(BaseCommand):
    help = "Migrate, load demo data (once) and run the development server."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--no-serve", action="store_true", help="Load the data, print the logins, stop."
        )
        parser.add_argument("--addr", default="127.0.0.1:8000", help="Where to serve.")

    def handle(self, *args: Any, no_serve: bool, addr: str, **options: Any) -> None:
        started = time.monotonic()
        call_command("migrate", interactive=False, verbosity=0)
        districts, places = places_load()
        self.stdout.write(f"Places: {districts} districts, {places} places loaded.")
        if Organisation.objects.filter(name=ORGANISATIONS[0][0]).exists():
            self.stdout.write("Demo data already loaded: nothing to add.")
        else:
            counts = self._load()
            self.stdout.write(
                f"Demo data loaded in {time.monotonic() - started:.1f} s: "
                + ", ".join(f"{n} {what}" for what, n in counts.items())
                + "."
            )
        # Outside the stories' moved clock, and on every start, so the queue sorts by the risk
        # as of today (what `panah rules refresh` does daily in production).
        refreshed = risk_refresh_stale()
        self.stdout.write(f"Deportation risk assessed for {refreshed} people.")
        published = self._rights_library()
        self.stdout.write(f"Know-your-rights library: {published} language versions published.")
        if not settings.PANAH_HELPLINE_NUMBER:
            # The demo's pages and leaflets print the fictional example number.
            settings.PANAH_HELPLINE_NUMBER = EXAMPLE_HELPLINE
        self._print_logins(addr)
        if not no_serve:
            # No autoreloader: it would start `panah demo` again in a child process.
            call_command("runserver", addr, use_reloader=False)

    @transaction.atomic
    def _rights_library(self) -> int:
        """Load the shipped articles and publish them, marked as demo reviews.

        In a real deployment a lawyer reviews every language version; the demo's "review"
        says in its note that no lawyer has checked it.
        """
        rights.library_load()
        lawyer = actor_for(User.objects.get(username="qrla.advocate"))
        publisher = actor_for(User.objects.get(username="qrla.coordinator"))
        note = "Demo data: published without review by a real lawyer."
        for version in ArticleVersion.objects.filter(state=ReviewState.DRAFT).order_by("pk"):
            rights.article_review(lawyer, version, note=note)
            rights.article_publish(publisher, version, note=note)
        return ArticleVersion.objects.filter(state=ReviewState.PUBLISHED).count()

    def _print_logins(self, addr: str) -> None:
        w = self.stdout.write
        w("")
        w(f"Panah demo: http://{addr}/")
        w(f"Know your rights (public, no login): http://{addr}/rights/")
        w(f"Password for every login below: {DEMO_PASSWORD}")
        w("")
        w(f"{'username':<20} {'role':<28} organisation")
        w(f"{'-' * 20} {'-' * 28} {'-' * 44}")
        roles = dict(Role.choices)
        for name, _kind, prefix, _count in ORGANISATIONS:
            for suffix, role, *_rest in STAFF:
                if prefix != "qrla" and suffix not in SMALL_ORG_STAFF:
                    continue
                w(f"{prefix + '.' + suffix:<20} {str(roles[role]):<28} {name}")
        w("")
        w(f"Example helpline number (fictional, for illustration only): {EXAMPLE_HELPLINE}")
        w("All people, phone numbers, documents and cases are made up.")
        w("")

    @transaction.atomic
    def _load(self) -> dict[str, int]:
        rng = random.Random(SEED)
        quetta = District.objects.get(name="Quetta")
        places: dict[str, list[Any]] = {
            "station": list(
                Place.objects.filter(kind=Place.Kind.POLICE_STATION, district=quetta).exclude(
                    name__startswith="Women"
                )
            ),
            "women_station": list(Place.objects.filter(name__startswith="Women Police Station")),
            "fia": list(Place.objects.filter(kind=Place.Kind.FIA)),
            "holding": list(
                Place.objects.filter(kind=Place.Kind.HOLDING_CENTRE).exclude(name__contains="UNHCR")
            ),
            "levies_districts": list(
                District.objects.filter(name__in=["Pishin", "Killa Abdullah", "Chagai", "Nushki"])
            ),
            # Where people live: mostly Quetta, then the districts near the Chaman border.
            "residence": [quetta] * 6
            + list(District.objects.filter(name__in=["Pishin", "Killa Abdullah", "Chaman"])),
        }
        orgs: list[_Org] = []
        with _story_clock() as clock:
            for name, kind, prefix, count in ORGANISATIONS:
                org = self._organisation(name, kind, prefix)
                orgs.append(org)
                story = _Stories(rng, clock, org, places)
                for _ in range(count):
                    story.person_with_story()
                story.households(count // 12)
                story.information_contacts(count // 5)
        # In real time, after the stories: profiles are verified today, the rota is current.
        self._advocates(orgs, quetta)
        self._live_alert()
        self._refugee_line(orgs[0].organisation)
        self._duplicate(orgs[0])
        return {
            "organisations": Organisation.objects.count(),
            "staff": User.objects.count(),
            "people": Person.objects.count(),
            "cases": Case.objects.count(),
            "contacts": Contact.objects.count(),
            "advocates": Advocate.objects.count(),
            "shifts": Shift.objects.count(),
            "conversations": Conversation.objects.count(),
            "call-backs": CallbackRequest.objects.count(),
            "possible duplicates": DuplicateCandidate.objects.count(),
        }

    def _refugee_line(self, organisation: Organisation) -> None:
        """The refugee line on console channels (nothing leaves the machine): an SMS line with
        the self-service menus, a WhatsApp line answered by operators, a missed-call number;
        and a few people who have written or called, so the inbox and the call-back queue
        have something in them (messages processed now, as the worker would)."""
        now = timezone.now()
        sms, whatsapp, voice = (
            line_channels.channel_create(
                None,
                organisation=organisation,
                name=name,
                provider="console",
                medium=medium,
                address=address,
                credentials={},
                self_service=self_service,
            )
            for name, medium, address, self_service in (
                ("Demo SMS line", "sms", "+923000000100", True),
                ("Demo WhatsApp line", "whatsapp", "+923000000101", False),
                ("Demo missed-call number", "voice", "+923000000102", False),
            )
        )
        people_writing = [
            # Urdu, then "talk to a person": waits in the inbox.
            (sms, "+923451110001", ["salaam", "2", "4"], "text"),
            # English, reading the know-your-rights menu: stays with the line.
            (sms, "+923451110002", ["hi", "1", "3"], "text"),
            # Pashto on WhatsApp, straight to the operators.
            (whatsapp, "+93701110003", ["زما ورور په کوټه کې پولیسو نیولی دی، مرسته وکړئ"], "text"),
            # A missed call, to save credit: a call-back is queued.
            (voice, "+923451110004", [""], "call"),
        ]
        for channel, sender, texts, kind in people_writing:
            for number, text in enumerate(texts):
                inbound = line_channels.inbound_receive(
                    channel,
                    InboundEvent(f"demo-{sender[-4:]}-{number}", sender, text, kind=kind),
                    at=now - datetime.timedelta(minutes=10 - number),
                )
                if inbound is not None:  # None only for a provider's retry of a stored id
                    line_channels.inbound_process(str(inbound.pk))

    def _duplicate(self, org: _Org) -> None:
        """One person registered twice (a second spelling, another phone format), and the
        duplicate finder's run over the organisation, so the review queue has a pair."""
        first = Person.objects.filter(organisation=org.organisation).order_by("created_at").first()
        if first is None:
            return
        operator = org.operators[-1]
        people.person_create(
            operator,
            data=people.PersonData(
                given_name=_respell(first.given_name),
                family_name=first.family_name,
                father_name=_respell(first.father_name),
                given_name_native=first.given_name_native,
                father_name_native=first.father_name_native,
                sex=first.sex,
                birth_year=first.birth_year,
                languages=first.languages,
                district_id=first.district_id,
            ),
            phones=[p.number for p in first.phones.all()[:1]],
            source=Source.CLI,
        )
        duplicates_find(organisation=org.organisation, source=Source.CLI)

    def _live_alert(self) -> None:
        """One arrest from the last hours, still without an advocate, goes out to the rota,
        so the case page shows an alert waiting for YES (answer it with `panah dispatch
        reply`, or the link in var/outbox.jsonl)."""
        case = (
            Case.objects.filter(
                case_type=CaseType.ARREST,
                priority=Priority.URGENT,
                status=Status.NEW,
                assigned_advocate__isnull=True,
                place__district__name="Quetta",
                organisation__name=ORGANISATIONS[0][0],
            )
            .order_by("-arrested_at")
            .first()
        )
        if case is not None:
            dispatch_start(None, case)

    def _advocates(self, orgs: list[_Org], quetta: District) -> None:
        """Profiles for the demo advocates, a panel under an MoU, the weekly rota and the
        coordinator's duty phone, through the advocates' services.

        The first organisation covers Quetta round the clock except Saturday night (20:00 to
        Sunday 08:00), so the rota page shows its gap warning whatever the day; the small
        organisations' advocates are on duty in the daytime only.
        """
        stations = list(
            Place.objects.filter(kind=Place.Kind.POLICE_STATION, district=quetta)
            .exclude(name__startswith="Women")
            .order_by("name")
        )
        women_station = Place.objects.filter(name__startswith="Women Police Station").first()
        first, panel_org = orgs[0], orgs[1]
        panel = advocates.panel_create(
            actor_for(first.staff["admin"]),
            name="BBC Refugee Legal Aid Panel (demo)",
            mou_reference="MOU-DEMO-2024-01",
            mou_signed_on=datetime.date(2024, 3, 1),
            organisations=[panel_org.organisation],
            source=Source.CLI,
        )
        enrolment = 0
        for org in orgs:
            manager = actor_for(org.staff.get("coordinator") or org.staff["admin"])
            for n, (suffix, user) in enumerate(
                (k, u) for k, u in org.staff.items() if k.startswith("advocate")
            ):
                enrolment += 1
                languages, specialisations, listed = ADVOCATE_PROFILES[suffix]
                places = stations[4 * n : 4 * n + 4]
                if suffix == "advocate2" and women_station is not None:
                    places.append(women_station)
                advocate = advocates.advocate_create(
                    manager,
                    user=user,
                    bar_council="Balochistan Bar Council",
                    enrolment_number=f"BBC-DEMO-{enrolment:04d}",
                    languages=languages,
                    specialisations=specialisations,
                    district_ids=[quetta.pk],
                    place_ids=[p.pk for p in places],
                    phone=f"0300 0000{100 + enrolment}",
                    base_latitude=QUETTA_BASE[0] + Decimal("0.004") * enrolment,
                    base_longitude=QUETTA_BASE[1] - Decimal("0.003") * enrolment,
                    panel=panel if org is panel_org else None,
                    listed_on_sheets=listed,
                    source=Source.CLI,
                )
                advocates.advocate_verify(manager, advocate, source=Source.CLI)
            rota = ROTA if org is first else SMALL_ORG_ROTA
            for suffix, weekdays, starts, ends in rota:
                for weekday in weekdays:
                    advocates.shift_add(
                        manager,
                        user=org.staff[suffix],
                        kind=Shift.Kind.WEEKLY,
                        weekday=weekday,
                        starts=starts,
                        ends=ends,
                        district=quetta,
                        source=Source.CLI,
                    )
            if "coordinator" in org.staff:
                advocates.duty_phone_set(
                    manager, user=org.staff["coordinator"], phone="0300 0000201", source=Source.CLI
                )

    def _organisation(self, name: str, kind: str, prefix: str) -> _Org:
        organisation = organisation_create(name=name, kind=kind)
        staff: dict[str, User] = {}
        for suffix, role, first, last, language in STAFF:
            if prefix != "qrla" and suffix not in SMALL_ORG_STAFF:
                continue
            staff[suffix] = staff_create(
                organisation=organisation,
                username=f"{prefix}.{suffix}",
                password=DEMO_PASSWORD,
                role=role,
                first_name=first,
                last_name=last,
                email=f"{prefix}.{suffix}@demo.invalid",
                language=language,
            )
        return _Org(organisation, staff)


# --- The stories ------------------------------------------------------------------------------

ARREST_SUMMARIES = [
    "Picked up at a checkpoint during a verification drive; family says he works as a "
    "daily-wage labourer. Held under the Foreigners Act according to the caller.",
    "Arrested at home in a night search operation; the landlord had not registered the family "
    "as tenants.",
    "Stopped on the way to the vegetable market; his card was taken by the officers.",
    "Detained with two cousins at a bus stop; the family does not know where he was taken.",
    "Arrested at his shop; the caller says the officers asked for money to release him.",
    "Taken from a construction site with other workers; his brother called from the site.",
]
ARREST_SUMMARIES_FIA = [
    "Held by the FIA near the border crossing while travelling with family members.",
    "Detained by the FIA at the bus terminal; accused of travelling on forged papers.",
]
OTHER_SUMMARIES = {
    CaseType.REMOVAL: [
        "Family received a verbal order to leave the district within a week.",
        "Told to report to the holding centre with the whole family for return.",
    ],
    CaseType.DOCUMENTATION: [
        "Lost PoR card; needs an affidavit and a police report for a duplicate.",
        "Wants the newborn registered on the family's documents.",
        "Asks whether the ACC still protects him and what to carry when travelling.",
    ],
    CaseType.HARASSMENT: [
        "Repeated demands for money by men in plain clothes at the market.",
        "Shopkeeper threatened with eviction of his stall unless he pays.",
    ],
    CaseType.EVICTION: [
        "Landlord gave the family three days to leave after a police visit.",
        "Refugee village residents told to vacate their houses.",
    ],
    CaseType.FAMILY_CIVIL: [
        "Afghan wife of a Pakistani citizen; her identity card was blocked.",
        "Dispute over the unpaid wages of a deceased relative.",
    ],
}
PROGRESS_NOTES = [
    "Advocate reached the police station; the SHO confirmed the detention.",
    "Called the family back: they will bring a copy of his card to the office.",
    "FIR copy obtained from the station.",
    "Bail application filed before the judicial magistrate.",
    "Met the client in the lock-up; he has not been told the grounds of arrest.",
    "Asked the station to record the time of arrest in the daily diary.",
    "ایڈووکیٹ تھانے پہنچ گئے، ایس ایچ او نے گرفتاری کی تصدیق کر دی۔",
    "خاندان سے رابطہ ہو گیا، وہ کل دفتر آئیں گے۔",
]
OTHER_NOTES = [
    "Appointment booked at the office for Thursday.",
    "Referred the family to the legal aid centre for card verification.",
    "Landlord agreed to wait until the end of the month.",
    "Documents checked; the copy of the card is readable.",
]
OUTCOMES = {
    CaseType.ARREST: [Outcome.RELEASED, Outcome.BAIL, Outcome.CHARGED, Outcome.DEPORTED],
    CaseType.REMOVAL: [Outcome.RETURNED_VOLUNTARILY, Outcome.DEPORTED, Outcome.RESOLVED],
    CaseType.DOCUMENTATION: [Outcome.DOCUMENTS_OBTAINED, Outcome.REFERRED],
    CaseType.HARASSMENT: [Outcome.RESOLVED, Outcome.REFERRED, Outcome.NO_CONTACT],
    CaseType.EVICTION: [Outcome.RESOLVED, Outcome.NO_CONTACT, Outcome.RETURNED_VOLUNTARILY],
    CaseType.FAMILY_CIVIL: [Outcome.REFERRED, Outcome.RESOLVED, Outcome.WITHDRAWN],
}
INFORMATION_CALLS = [
    "Asked whether PoR holders may still stay after 30 June 2025.",
    "Asked where the holding centre in Quetta is and whether families can visit.",
    "Asked how to register a newborn.",
    "Asked about the cash grant for voluntary return.",
    "Wanted to know which documents to carry when travelling to Chaman.",
    "Wrong number.",
]
MINUTE = datetime.timedelta(minutes=1)
HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)


class _Stories:
    """Writes one organisation's people, cases and contacts through the services."""

    def __init__(
        self, rng: random.Random, clock: _Clock, org: _Org, places: dict[str, list[Any]]
    ) -> None:
        self.rng = rng
        self.clock = clock
        self.org = org
        self.places = places
        self.real_now = timezone.localtime(clock.now)
        self.people: list[tuple[Person, synthetic.SyntheticPerson]] = []

    def _at(self, moment: datetime.datetime) -> bool:
        """Move the services' clock to a moment; False if it is not yet in the past."""
        if moment >= self.real_now - MINUTE:
            return False
        self.clock.now = moment
        return True

    # People -----------------------------------------------------------------------------------

    def _person(self, operator: Actor, data: synthetic.SyntheticPerson, channel: str) -> Person:
        person = people.person_create(
            operator,
            data=people.PersonData(
                given_name=data.given[0],
                family_name=data.family[0],
                father_name=data.father[0],
                given_name_native=data.given[1],
                family_name_native=data.family[1],
                father_name_native=data.father[1],
                sex=data.sex,
                birth_year=data.birth_year,
                languages=data.languages,
                district_id=self.rng.choice(self.places["residence"]).pk,
            ),
            phones=data.phones,
            source=Source.CLI,
        )
        for document in data.documents:
            people.document_add(
                operator,
                person,
                doc_type=document.doc_type,
                number=document.number,
                issued_on=document.issued_on,
                expires_on=document.expires_on,
                source=Source.CLI,
            )
        if self.rng.random() < 0.9:
            people.consent_record(
                operator,
                person,
                purpose=Consent.Purpose.LEGAL_ASSISTANCE,
                given_by=self.rng.choices(
                    [Consent.GivenBy.SELF, Consent.GivenBy.RELATIVE], weights=[2, 3]
                )[0],
                channel=Consent.Channel.IN_PERSON if channel == "walk_in" else Consent.Channel.CALL,
                source=Source.CLI,
            )
            if self.rng.random() < 0.4:
                people.consent_record(
                    operator,
                    person,
                    purpose=Consent.Purpose.CONTACT,
                    given_by=Consent.GivenBy.SELF,
                    channel=Consent.Channel.CALL,
                    source=Source.CLI,
                )
        return person

    def person_with_story(self) -> None:
        rng = self.rng
        with_case = rng.random() < 0.8
        arrest = with_case and rng.random() < 0.7
        # Most people arrested are men; a woman is taken to the women police station.
        data = synthetic.person(rng, sex=("f" if rng.random() < 0.08 else "m") if arrest else None)
        operator = rng.choice(self.org.operators)
        # Most arrests reach the helpline within hours; a third of the queue is from today.
        if arrest:
            recent = rng.random() < 0.35
            arrested_at = self.real_now - (
                rng.randint(40, 26 * 60) * MINUTE if recent else rng.randint(2, 90) * DAY
            )
            arrested_at = arrested_at.replace(second=0, microsecond=0)
            start = arrested_at + rng.randint(15, 180) * MINUTE
        else:
            arrested_at = None
            start = self.real_now - rng.randint(60, 120 * 24 * 60) * MINUTE
        if not self._at(start):
            self._at(self.real_now - 2 * MINUTE)
        channel = rng.choices(["call", "whatsapp", "sms", "walk_in"], weights=[6, 3, 1, 2])[0]
        person = self._person(operator, data, channel)
        self.people.append((person, data))
        if not with_case:
            self._contact(operator, person, None, channel, rng.choice(INFORMATION_CALLS))
            return
        case = self._open_case(operator, person, data, arrested_at)
        self._contact(operator, person, case, channel, case.summary)
        self._follow(case, arrested_at)

    def _arrest_place(self) -> tuple[Place | None, District | None, str]:
        roll = self.rng.random()
        if roll < 0.75 and self.places["station"]:
            return self.rng.choice(self.places["station"]), None, "police"
        if roll < 0.85 and self.places["fia"]:
            return self.rng.choice(self.places["fia"]), None, "fia"
        if roll < 0.93 and self.places["holding"]:
            return self.rng.choice(self.places["holding"]), None, "police"
        districts = self.places["levies_districts"]
        return None, (self.rng.choice(districts) if districts else None), "levies"

    def _open_case(
        self,
        operator: Actor,
        person: Person,
        data: synthetic.SyntheticPerson,
        arrested_at: datetime.datetime | None,
    ) -> Case:
        rng = self.rng
        if arrested_at is not None:
            place, district, force = self._arrest_place()
            if data.sex == "f" and self.places["women_station"]:
                place, district, force = self.places["women_station"][0], None, "police"
            summaries = ARREST_SUMMARIES_FIA if force == "fia" else ARREST_SUMMARIES
            fir = f"{rng.randint(12, 480)}/{arrested_at.year}" if rng.random() < 0.45 else ""
            return cases.case_open(
                operator,
                person=person,
                case_type=CaseType.ARREST,
                priority=Priority.URGENT,
                place=place,
                district=district,
                arrested_at=arrested_at,
                arresting_force=force,
                fir_number=fir,
                summary=rng.choice(summaries),
                source=Source.CLI,
            )
        case_type = rng.choice(list(OTHER_SUMMARIES))
        return cases.case_open(
            operator,
            person=person,
            case_type=case_type,
            priority=rng.choices([Priority.HIGH, Priority.NORMAL, Priority.LOW], weights=[2, 5, 1])[
                0
            ],
            district=person.district,
            summary=rng.choice(OTHER_SUMMARIES[case_type]),
            source=Source.CLI,
        )

    def _contact(
        self, operator: Actor, person: Person, case: Case | None, channel: str, summary: str
    ) -> None:
        rng = self.rng
        relation = rng.choices(
            ["self", "sibling", "parent", "spouse", "child", "neighbour", "elder"],
            weights=[3, 4, 2, 3, 1, 1, 1],
        )[0]
        if case is not None and case.case_type == CaseType.ARREST:
            relation = relation if relation != "self" else "sibling"  # the arrested cannot call
        caller_phone = synthetic.phone_number(rng) if relation != "self" else ""
        helpline.contact_log(
            operator,
            channel=channel,
            language=rng.choice(["ps", "ps", "fa", "ur"]),
            caller_relation=relation,
            caller_phone=caller_phone,
            caller=person if relation == "self" else None,
            person=person,
            case=case,
            summary=summary,
            started_at=self.clock.now - rng.randint(2, 12) * MINUTE,
            duration_seconds=None if channel in {"sms", "whatsapp"} else rng.randint(90, 1200),
            source=Source.CLI,
        )

    def _follow(self, case: Case, arrested_at: datetime.datetime | None) -> None:
        """Carry a new case as far along its story as the time since it was opened allows."""
        rng = self.rng
        org = self.org
        goal = rng.choices(
            [Status.NEW, Status.ASSIGNED, Status.IN_PROGRESS, Status.CLOSED], weights=[2, 2, 3, 4]
        )[0]
        if goal == Status.NEW or not org.advocates:
            return
        manager = rng.choice(org.managers)
        advocate = rng.choice(org.advocates)
        if not self._at(self.clock.now + rng.randint(10, 90) * MINUTE):
            return
        case = cases.case_assign(
            manager,
            case,
            advocate=advocate,
            case_manager=manager.user if manager.role != Role.ORG_ADMIN else None,
            source=Source.CLI,
        )
        if goal == Status.ASSIGNED or not self._at(self.clock.now + rng.randint(20, 120) * MINUTE):
            return
        counsel = actor_for(advocate)
        case = cases.case_transition(counsel, case, to_status=Status.IN_PROGRESS, source=Source.CLI)
        notes = PROGRESS_NOTES if arrested_at is not None else OTHER_NOTES
        for note in rng.sample(notes, k=rng.randint(1, 3)):
            if not self._at(self.clock.now + rng.randint(30, 300) * MINUTE):
                return
            cases.case_note_add(counsel, case, text=note, source=Source.CLI)
        if arrested_at is not None and rng.random() < 0.6:
            produced = arrested_at + rng.randint(10 * 60, 30 * 60) * MINUTE
            if self._at(max(produced, self.clock.now) + 5 * MINUTE):
                case = cases.case_production_record(
                    counsel, case, produced_at=min(produced, self.clock.now), source=Source.CLI
                )
                if rng.random() < 0.5:
                    cases.deadline_add(
                        manager,
                        case,
                        title="Bail hearing before the Sessions Court",
                        due_at=self.clock.now + rng.randint(2, 10) * DAY,
                        source=Source.CLI,
                    )
        if rng.random() < 0.5 and self._at(self.clock.now + rng.randint(1, 48) * HOUR):
            self._contact(
                rng.choice(org.operators),
                case.person,
                case,
                "call",
                "Follow-up call to the family with news of the case.",
            )
        if goal != Status.CLOSED or not self._at(self.clock.now + rng.randint(1, 20) * DAY):
            return
        cases.case_transition(
            manager,
            case,
            to_status=Status.CLOSED,
            outcome=rng.choice(OUTCOMES[CaseType(case.case_type)]),
            note="Closed after the last call with the family.",
            source=Source.CLI,
        )

    # Other records ---------------------------------------------------------------------------

    def households(self, count: int) -> None:
        """Give some people a spouse or child on record, grouped as a household."""
        rng = self.rng
        for person, data in rng.sample(self.people, k=min(count, len(self.people))):
            operator = rng.choice(self.org.operators)
            relative = dataclasses.replace(
                synthetic.person(
                    rng, phones=0, group=data.group, sex="f" if data.sex == "m" else "m"
                ),
                family=data.family,
                birth_year=min(2010, data.birth_year + rng.randint(-4, 25)),
                languages=data.languages,
            )
            self._at(self.real_now - rng.randint(1, 30) * DAY)
            member = self._person(operator, relative, "walk_in")
            people.household_create(operator, members=[person, member], source=Source.CLI)

    def information_contacts(self, count: int) -> None:
        """Calls that asked a question and led to no case, some from unknown callers."""
        rng = self.rng
        for _ in range(count):
            operator = rng.choice(self.org.operators)
            self._at(self.real_now - rng.randint(10, 60 * 24 * 30) * MINUTE)
            helpline.contact_log(
                operator,
                channel=rng.choice(["call", "call", "whatsapp", "sms"]),
                language=rng.choice(["ps", "fa", "ur"]),
                caller_relation=rng.choice(["self", "relative", "neighbour", "organisation"]),
                caller_phone=synthetic.phone_number(rng),
                summary=rng.choice(INFORMATION_CALLS),
                started_at=self.clock.now,
                duration_seconds=rng.randint(60, 600),
                source=Source.CLI,
            )
