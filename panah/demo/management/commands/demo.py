"""`panah demo`: set up a demo database with fictional data and serve it.

Everything is created through the services, so demo data is encrypted and audited exactly as
real data would be. The random seed is fixed: every demo database is the same.
"""

from __future__ import annotations

import datetime
import random
import time
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.utils import timezone

from panah.accounts.models import Organisation, User
from panah.accounts.selectors import Actor, actor_for
from panah.accounts.services import organisation_create, staff_create
from panah.audit.services import Source
from panah.cases import services as cases
from panah.cases.models import CaseType, Outcome, Priority, Status
from panah.core.access import Role
from panah.demo.names import FAMILY, FATHER, FEMALE_GIVEN, MALE_GIVEN
from panah.helpline import services as helpline
from panah.people import services as people
from panah.places.models import Place
from panah.places.services import places_load

DEMO_PASSWORD = "panah-demo-2026"
SEED = 20231003  # the day the repatriation plan was announced
PERSONS = 300

ORGANISATIONS = [
    ("Quetta Refugee Legal Aid (demo)", Organisation.Kind.LEGAL_AID, "qrla"),
    ("Bar Council Refugee Panel (demo)", Organisation.Kind.BAR_COUNCIL, "panel"),
    ("Afghan Community Network Quetta (demo)", Organisation.Kind.COMMUNITY, "network"),
]
STAFF = [
    ("admin", Role.ORG_ADMIN, "Sana", "Baloch"),
    ("coordinator", Role.COORDINATOR, "Farid", "Kakar"),
    ("casemanager", Role.CASE_MANAGER, "Ayesha", "Raza"),
    ("operator", Role.OPERATOR, "Bilal", "Ahmed"),
    ("operator2", Role.OPERATOR, "Hina", "Tareen"),
    ("advocate", Role.ADVOCATE, "Kamran", "Mengal"),
    ("advocate2", Role.ADVOCATE, "Nadia", "Jamali"),
    ("advocate3", Role.ADVOCATE, "Yousaf", "Achakzai"),
    ("analyst", Role.ANALYST, "Omar", "Shah"),
]


# Pakistani mobile prefixes in use (Jazz, Zong, Ufone, Telenor) and Afghan ones (Roshan, AWCC).
PK_PREFIXES = ["0300", "0301", "0303", "0306", "0312", "0313", "0315", "0321", "0331", "0333"]
PK_PREFIXES += ["0334", "0336", "0341", "0342", "0345", "0346"]
AF_PREFIXES = ["+9370", "+9372", "+9378", "+9379"]


def _phone(rng: random.Random) -> str:
    if rng.random() < 0.15:
        return f"{rng.choice(AF_PREFIXES)}{rng.randint(1000000, 9999999)}"
    return f"{rng.choice(PK_PREFIXES)}{rng.randint(1000000, 9999999)}"


# Staff work in different languages, so the demo shows all four (and right-to-left).
LANGUAGE_OF = {"operator2": "ur", "advocate": "ps", "advocate2": "fa", "coordinator": "ur"}


class Command(BaseCommand):
    help = "Migrate, load demo data (once) and run the development server."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-serve", action="store_true", help="Load data, do not serve.")
        parser.add_argument("--addr", default="127.0.0.1:8000")

    def handle(self, *args: Any, no_serve: bool, addr: str, **options: Any) -> None:
        started = time.monotonic()
        call_command("migrate", interactive=False, verbosity=0)
        places_load()
        if Organisation.objects.filter(name=ORGANISATIONS[0][0]).exists():
            self.stdout.write("Demo data already loaded.")
        else:
            self._load()
            self.stdout.write(f"Demo data loaded in {time.monotonic() - started:.1f} s.")
        self._print_logins(addr)
        if not no_serve:
            call_command("runserver", addr, use_reloader=False)

    def _print_logins(self, addr: str) -> None:
        self.stdout.write("")
        self.stdout.write(f"Panah demo: http://{addr}/   password for every login: {DEMO_PASSWORD}")
        self.stdout.write(f"{'username':<22} {'role':<14} organisation")
        for name, _kind, prefix in ORGANISATIONS:
            for suffix, role, _first, _last in STAFF:
                if prefix != "qrla" and suffix not in {"admin", "operator", "advocate"}:
                    continue
                self.stdout.write(f"{prefix + '.' + suffix:<22} {role:<14} {name}")
        self.stdout.write("Example helpline number on printed material: 0800-00000 (not real).")
        self.stdout.write("")

    @transaction.atomic
    def _load(self) -> None:
        rng = random.Random(SEED)
        stations = list(Place.objects.filter(kind=Place.Kind.POLICE_STATION))
        for index, (name, kind, prefix) in enumerate(ORGANISATIONS):
            organisation = organisation_create(name=name, kind=kind)
            staff: dict[str, User] = {}
            for suffix, role, first, last in STAFF:
                if index and suffix not in {"admin", "operator", "advocate"}:
                    continue
                staff[suffix] = staff_create(
                    organisation=organisation,
                    username=f"{prefix}.{suffix}",
                    password=DEMO_PASSWORD,
                    role=role,
                    first_name=first,
                    last_name=last,
                    email=f"{prefix}.{suffix}@demo.invalid",
                    language=LANGUAGE_OF.get(suffix, "en"),
                )
            count = PERSONS if index == 0 else PERSONS // 10
            self._people_and_cases(rng, actor_for(staff["operator"]), staff, stations, count)

    def _people_and_cases(
        self,
        rng: random.Random,
        operator: Actor,
        staff: dict[str, User],
        stations: list[Place],
        count: int,
    ) -> None:
        manager = actor_for(staff.get("casemanager", staff["admin"]))
        advocates = [u for key, u in staff.items() if key.startswith("advocate")]
        now = timezone.now()
        for _ in range(count):
            female = rng.random() < 0.3
            given = rng.choice(FEMALE_GIVEN if female else MALE_GIVEN)
            family = rng.choice(FAMILY)
            father = rng.choice(FATHER)
            year = rng.randint(1960, 2012)
            phone = _phone(rng)
            person = people.person_create(
                operator,
                data=people.PersonData(
                    given_name=given[0],
                    family_name=family[0],
                    father_name=father[0],
                    given_name_native=given[1],
                    family_name_native=family[1],
                    father_name_native=father[1],
                    sex="f" if female else "m",
                    birth_year=year,
                    languages=[rng.choice(["ps", "ps", "fa", "ur"])],
                ),
                phones=[phone],
                source=Source.CLI,
            )
            self._documents(rng, operator, person)
            if rng.random() < 0.7:
                self._case(rng, operator, manager, advocates, person, stations, now)

    def _documents(self, rng: random.Random, actor: Actor, person: Any) -> None:
        # Shares loosely follow facts.md §2.2: most arrested people hold an ACC or nothing.
        kind = rng.choices(["por", "acc", "tazkira", "none"], weights=[3, 3, 2, 2])[0]
        if kind == "por":
            people.document_add(
                actor,
                person,
                doc_type=kind,
                number=f"PoR-{rng.randint(10**8, 10**9 - 1)}",
                issued_on=datetime.date(2021, rng.randint(1, 12), rng.randint(1, 28)),
                expires_on=datetime.date(2025, 6, 30),
                source=Source.CLI,
            )
        elif kind == "acc":
            people.document_add(
                actor,
                person,
                doc_type=kind,
                number=f"ACC-{rng.randint(10**7, 10**8 - 1)}",
                issued_on=datetime.date(2017, rng.randint(8, 12), rng.randint(1, 28)),
                source=Source.CLI,
            )
        elif kind == "tazkira":
            people.document_add(
                actor,
                person,
                doc_type=kind,
                number="-".join(str(rng.randint(1000, 9999)) for _ in range(3)),
                source=Source.CLI,
            )
        else:
            people.document_add(actor, person, doc_type="none", source=Source.CLI)

    def _case(
        self,
        rng: random.Random,
        operator: Actor,
        manager: Actor,
        advocates: list[User],
        person: Any,
        stations: list[Place],
        now: datetime.datetime,
    ) -> None:
        arrest = rng.random() < 0.7
        place = rng.choice(stations) if arrest and stations else None
        # Most arrests in the queue are recent (the first day is what the clock is about).
        minutes_ago = rng.randint(20, 60 * 30) if rng.random() < 0.7 else rng.randint(1, 20) * 1440
        arrested_at = now - datetime.timedelta(minutes=minutes_ago) if arrest else None
        case = cases.case_open(
            operator,
            person=person,
            case_type=CaseType.ARREST
            if arrest
            else rng.choice(
                [CaseType.DOCUMENTATION, CaseType.HARASSMENT, CaseType.EVICTION, CaseType.REMOVAL]
            ),
            priority=Priority.URGENT if arrest else rng.choice([Priority.HIGH, Priority.NORMAL]),
            place=place,
            arrested_at=arrested_at,
            arresting_force="police" if arrest else "",
            fir_number=f"{rng.randint(1, 400)}/{now.year}" if arrest and rng.random() < 0.4 else "",
            summary="Demo case: fictional summary.",
            source=Source.CLI,
        )
        helpline.contact_log(
            operator,
            channel=rng.choice(["call", "call", "sms", "whatsapp", "walk_in"]),
            language=rng.choice(["ps", "fa", "ur"]),
            caller_relation=rng.choice(["sibling", "parent", "spouse", "self", "neighbour"]),
            person=person,
            case=case,
            summary="Demo contact.",
            started_at=(arrested_at or now) + datetime.timedelta(minutes=rng.randint(5, 90)),
            duration_seconds=rng.randint(60, 900),
            source=Source.CLI,
        )
        roll = rng.random()
        if roll < 0.25 or not advocates:
            return  # stays new, unassigned
        case = cases.case_assign(manager, case, advocate=rng.choice(advocates), source=Source.CLI)
        if roll < 0.5:
            return
        case = cases.case_transition(manager, case, to_status=Status.IN_PROGRESS, source=Source.CLI)
        cases.case_note_add(manager, case, text="Advocate reached the station.", source=Source.CLI)
        if roll < 0.8:
            return
        cases.case_transition(
            manager,
            case,
            to_status=Status.CLOSED,
            outcome=rng.choice(
                [Outcome.RELEASED, Outcome.BAIL, Outcome.DEPORTED, Outcome.RESOLVED]
            ),
            source=Source.CLI,
        )
