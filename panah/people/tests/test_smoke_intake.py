import datetime

from django.utils import timezone

from panah.helpline.services import CaseData, IntakeData, intake_record
from panah.people.selectors import person_search_for
from panah.people.services import PersonData


def test_operator_intake_creates_person_case_and_contact(personas, actor_of, brewery):
    operator = personas["a"]["operator"]
    result = intake_record(
        actor_of(operator),
        data=IntakeData(
            channel="call",
            language="ur",
            caller_phone="0300 1234567",
            caller_relation="sibling",
            caller_data=PersonData(given_name="Rahim"),
            person_data=PersonData(given_name="Abdul Rahman", family_name="Achakzai", father_name="Gul Mohammad"),
            person_phones=["+93 70 123 4567"],
            case=CaseData(case_type="arrest", priority=1, place=brewery, arrested_at=timezone.now() - datetime.timedelta(hours=1)),
        ),
    )
    assert result.case.reference.startswith("PNH-")
    matches = person_search_for(operator, query="achakzai")
    assert [m.person for m in matches] == [result.person]
    assert person_search_for(operator, query="0093701234567")[0].person == result.person
    assert person_search_for(personas["b"]["operator"], query="achakzai") == []
