from __future__ import annotations

import uuid

from django.http import HttpRequest
from ninja import Field, Router, Schema

from panah.audit.services import Source
from panah.people.selectors import person_get_for, person_search_for

router = Router(tags=["people"])


class PersonMatchOut(Schema):
    id: uuid.UUID
    display_name: str
    birth_year: int | None
    score: int = Field(description="How well the person matches the query, 0 to 100.")
    matched: list[str] = Field(
        description="What agreed in the indexes: name, father, birth_year, phone, document."
    )


class DocumentOut(Schema):
    doc_type: str
    masked_number: str
    issued_on: str | None
    expires_on: str | None


class PersonOut(Schema):
    id: uuid.UUID
    given_name: str
    family_name: str
    father_name: str
    given_name_native: str
    father_name_native: str
    sex: str
    birth_year: int | None
    languages: list[str]
    documents: list[DocumentOut]

    @staticmethod
    def resolve_documents(obj: object) -> list[dict[str, object]]:
        return [
            {
                "doc_type": d.doc_type,
                "masked_number": d.masked_number,
                "issued_on": d.issued_on.isoformat() if d.issued_on else None,
                "expires_on": d.expires_on.isoformat() if d.expires_on else None,
            }
            for d in obj.documents.all()  # type: ignore[attr-defined]
        ]


class SearchIn(Schema):
    q: str = Field(max_length=200)


@router.post("/search", response=list[PersonMatchOut])
def person_search(request: HttpRequest, payload: SearchIn) -> list[dict[str, object]]:
    """Find people by any mix of name, father's name, year of birth, phone and document number.

    Free text, as the console's search box takes it ("mohd rehman s/o abdulghani 1985"), in
    Latin or Arabic script; the best matches first. A POST with the query in the body: names
    and numbers never go into URLs (DP-6).
    """
    q = payload.q
    return [
        {
            "id": m.person.pk,
            "display_name": m.person.display_name,
            "birth_year": m.person.birth_year,
            "score": m.score,
            "matched": list(m.matched),
        }
        for m in person_search_for(request.user, query=q, source=Source.API)
    ]


@router.get("/{person_id}", response=PersonOut)
def person_detail(request: HttpRequest, person_id: uuid.UUID) -> object:
    """One person (the read is audited; document numbers are masked)."""
    return person_get_for(request.user, person_id, source=Source.API)
