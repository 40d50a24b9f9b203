"""Keeping `ShiftCover` (the rota as routing reads it) true, in the database itself.

The table is written only by triggers on the shifts and on the advocates' cover tables, so it
follows every writer: the services, bulk loads, data migrations, the Django shell. This module
holds their SQL for SQLite and PostgreSQL, installs them (migration advocates 0002), rebuilds
the table from scratch (`panah advocates rebuild-cover`) and tells whether every trigger is in
place (system check panah.E010, and a test over the migrated test database).

Why a check: on SQLite, a migration that alters a table copies it into a new one and drops the
old, and the triggers go with it. Routing would then quietly find nobody on duty; the check
and its test fail instead.

The rules, one row per (shift, thing covered), "off" entries never:
- a shift naming a place or a district: one row with the shift's place and district;
- a shift naming neither: a row per place and per district of its user's advocate profile,
  with `advocate_id` set, so a change of the profile removes exactly these rows.
"""

from __future__ import annotations

from django.db.backends.base.base import BaseDatabaseWrapper

_COVER = "advocates_shiftcover"
_SHIFT = "advocates_shift"
_ADVOCATE = "advocates_advocate"
_PLACES = "advocates_advocate_places"
_DISTRICTS = "advocates_advocate_districts"

_COLUMNS = (
    "shift_id, organisation_id, user_id, advocate_id, place_id, district_id, kind, weekday, "
    "date, starts, ends, valid_from, valid_until"
)
# Monday = 0, as Shift.weekday and Python's date.weekday().
_WEEKDAY = {
    "sqlite": "COALESCE(s.weekday, (CAST(strftime('%w', s.date) AS INTEGER) + 6) % 7)",
    "postgresql": "COALESCE(s.weekday, CAST(EXTRACT(ISODOW FROM s.date) AS INTEGER) - 1)",
}


def _inserts(vendor: str, *, shift: str = "", place: str = "", district: str = "") -> list[str]:
    """Return the INSERT … SELECT statements that add the rows of the shifts matching a filter.

    `shift`, `place` and `district` are extra conditions on the shift (alias s), the profile's
    place row (ap) and district row (ad); empty means all.
    """
    rota = f"s.kind, {_WEEKDAY[vendor]}, s.date, s.starts, s.ends, s.valid_from, s.valid_until"
    shift_only = f" AND {shift}" if shift else ""
    named = (
        f"INSERT INTO {_COVER} ({_COLUMNS}) "  # noqa: S608 (fixed table names)
        f"SELECT s.id, s.organisation_id, s.user_id, NULL, s.place_id, s.district_id, {rota} "
        f"FROM {_SHIFT} s WHERE s.kind <> 'off' "
        f"AND (s.place_id IS NOT NULL OR s.district_id IS NOT NULL){shift_only}"
    )
    profile = f"s.kind <> 'off' AND s.place_id IS NULL AND s.district_id IS NULL{shift_only}"
    places = (
        f"INSERT INTO {_COVER} ({_COLUMNS}) "  # noqa: S608
        f"SELECT s.id, s.organisation_id, s.user_id, a.id, ap.place_id, NULL, {rota} "
        f"FROM {_SHIFT} s JOIN {_ADVOCATE} a ON a.user_id = s.user_id "
        f"JOIN {_PLACES} ap ON ap.advocate_id = a.id WHERE {profile}"
        + (f" AND {place}" if place else "")
    )
    districts = (
        f"INSERT INTO {_COVER} ({_COLUMNS}) "  # noqa: S608
        f"SELECT s.id, s.organisation_id, s.user_id, a.id, NULL, ad.district_id, {rota} "
        f"FROM {_SHIFT} s JOIN {_ADVOCATE} a ON a.user_id = s.user_id "
        f"JOIN {_DISTRICTS} ad ON ad.advocate_id = a.id WHERE {profile}"
        + (f" AND {district}" if district else "")
    )
    if place:
        return [places]
    if district:
        return [districts]
    return [named, places, districts]


# What each table's triggers do, as (statements for a removed row, for an added row). An
# update is a removal and an addition.
def _actions(vendor: str) -> dict[str, tuple[list[str], list[str]]]:
    return {
        _SHIFT: (
            [f"DELETE FROM {_COVER} WHERE shift_id = OLD.id"],  # noqa: S608
            _inserts(vendor, shift="s.id = NEW.id"),
        ),
        _PLACES: (
            [
                f"DELETE FROM {_COVER} WHERE advocate_id = OLD.advocate_id "  # noqa: S608
                "AND place_id = OLD.place_id"
            ],
            _inserts(vendor, place="ap.id = NEW.id"),
        ),
        _DISTRICTS: (
            [
                f"DELETE FROM {_COVER} WHERE advocate_id = OLD.advocate_id "  # noqa: S608
                "AND district_id = OLD.district_id"
            ],
            _inserts(vendor, district="ad.id = NEW.id"),
        ),
    }


def _short(table: str) -> str:
    return table.removeprefix("advocates_").removeprefix("advocate_")


def trigger_names(vendor: str) -> set[str]:
    """Return the names of the triggers that keep the table true on this database."""
    if vendor == "sqlite":
        return {
            f"shiftcover_{_short(t)}_{event}"
            for t in (_SHIFT, _PLACES, _DISTRICTS)
            for event in ("insert", "update", "delete")
        }
    if vendor == "postgresql":
        return {f"shiftcover_{_short(t)}" for t in (_SHIFT, _PLACES, _DISTRICTS)}
    return set()


def _install_statements(vendor: str) -> list[str]:
    statements = []
    for table, (removed, added) in _actions(vendor).items():
        short = _short(table)
        if vendor == "sqlite":
            for event, body in (
                ("insert", added),
                ("update", removed + added),
                ("delete", removed),
            ):
                name = f"shiftcover_{short}_{event}"
                statements.append(f"DROP TRIGGER IF EXISTS {name}")
                statements.append(
                    f"CREATE TRIGGER {name} AFTER {event.upper()} ON {table} FOR EACH ROW "
                    f"BEGIN {'; '.join(body)}; END"
                )
        elif vendor == "postgresql":
            name = f"shiftcover_{short}"
            statements.append(
                f"CREATE OR REPLACE FUNCTION panah_{name}() RETURNS trigger AS $$\n"
                "BEGIN\n"
                "  IF TG_OP IN ('UPDATE', 'DELETE') THEN\n"
                + "".join(f"    {statement};\n" for statement in removed)
                + "  END IF;\n"
                "  IF TG_OP IN ('INSERT', 'UPDATE') THEN\n"
                + "".join(f"    {statement};\n" for statement in added)
                + "  END IF;\n"
                "  RETURN NULL;\n"
                "END;\n"
                "$$ LANGUAGE plpgsql"
            )
            statements.append(f"DROP TRIGGER IF EXISTS {name} ON {table}")
            statements.append(
                f"CREATE TRIGGER {name} AFTER INSERT OR UPDATE OR DELETE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION panah_{name}()"
            )
    return statements


def _execute(connection: BaseDatabaseWrapper, statements: list[str]) -> None:
    with connection.cursor() as cursor:
        for statement in statements:
            # No parameters: the SQL holds '%' (strftime) that must not be read as placeholders.
            cursor.execute(statement, None)


def install(connection: BaseDatabaseWrapper) -> None:
    """Create (or replace) the triggers on this database."""
    _execute(connection, _install_statements(connection.vendor))


def uninstall(connection: BaseDatabaseWrapper) -> None:
    vendor = connection.vendor
    if vendor == "sqlite":
        statements = [f"DROP TRIGGER IF EXISTS {name}" for name in sorted(trigger_names(vendor))]
    else:
        statements = []
        for table in (_SHIFT, _PLACES, _DISTRICTS):
            name = f"shiftcover_{_short(table)}"
            statements += [
                f"DROP TRIGGER IF EXISTS {name} ON {table}",
                f"DROP FUNCTION IF EXISTS panah_{name}()",
            ]
    _execute(connection, statements)


def rebuild(connection: BaseDatabaseWrapper) -> int:
    """Empty the table and fill it again from the shifts and profiles; return its row count."""
    _execute(connection, [f"DELETE FROM {_COVER}", *_inserts(connection.vendor)])  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {_COVER}")  # noqa: S608
        return int(cursor.fetchone()[0])


def missing_triggers(connection: BaseDatabaseWrapper) -> set[str]:
    """Return the names of the triggers this database should have and lacks."""
    vendor = connection.vendor
    with connection.cursor() as cursor:
        if vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        elif vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        else:
            return set()
        present = {row[0] for row in cursor.fetchall()}
    return trigger_names(vendor) - present
