"""HTTP access to the engine: the same input, output and error messages as `panah rules assess`.

The body is read and checked by the engine's own parser (not by pydantic), so a caller gets the
very message the CLI prints, with status 422; `AssessIn` only documents it in the OpenAPI schema.
"""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest
from ninja import Router, Schema, Status

from panah.accounts.selectors import actor_for
from panah.rules.engine import DOCUMENT_TYPES, InputError
from panah.rules.services import json_assess

router = Router(tags=["rules"])

DocumentType = Literal[DOCUMENT_TYPES]  # type: ignore[valid-type]


class DocumentIn(Schema):
    type: DocumentType
    number: str | None = None
    issued: str | None = None  # YYYY-MM-DD
    expires: str | None = None  # YYYY-MM-DD


class AssessIn(Schema):
    on: str  # YYYY-MM-DD, the date of the assessment
    documents: list[DocumentIn] = []
    date_of_birth: str | None = None  # YYYY-MM-DD, or YYYY when only the year is known
    born_in_pakistan: bool = False
    pakistani_parent: bool = False
    asylum_claim_pending: bool = False


class StatusOut(Schema):
    code: str
    label: str


class ReasonOut(Schema):
    code: str
    text: str
    sources: list[str]
    confidence: str
    confidence_label: str
    law: str


class DeadlineOut(Schema):
    date: str
    code: str
    text: str
    sources: list[str]


class ActionOut(Schema):
    code: str
    text: str
    sources: list[str]
    law: str


class AssessmentOut(Schema):
    risk: Literal["low", "medium", "elevated", "high"]
    risk_label: str
    status: StatusOut
    flags: list[str]
    flag_labels: list[str]
    reasons: list[ReasonOut]
    deadlines: list[DeadlineOut]
    actions: list[ActionOut]
    policy_version: str
    on: str


class ErrorOut(Schema):
    detail: str


def _inlined(schema: dict[str, Any]) -> dict[str, Any]:
    """Return a JSON schema with its local $defs inlined (OpenAPI resolves no "#/$defs")."""
    defs = schema.pop("$defs", {})

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref", "")
            if ref.startswith("#/$defs/"):
                return walk(defs[ref.removeprefix("#/$defs/")])
            return {key: walk(value) for key, value in node.items()}
        if isinstance(node, list):
            return [walk(item) for item in node]
        return node

    return walk(schema)  # type: ignore[no-any-return]


_REQUEST_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": _inlined(AssessIn.model_json_schema())}},
    }
}


@router.post(
    "/assess",
    response={200: AssessmentOut, 422: ErrorOut},
    openapi_extra=_REQUEST_BODY,
)
def assess(request: HttpRequest) -> Any:
    """Assess documents on a date (the JSON input documented for `panah rules assess`).

    Nothing is stored and no person is read: the caller sends only the facts.
    """
    actor_for(request.user)  # staff of an organisation only
    try:
        return Status(200, json_assess(request.body))
    except InputError as exc:
        return Status(422, {"detail": str(exc)})
