"""Make the audit log append-only in the database itself.

UPDATE is refused on every backend. DELETE is refused on PostgreSQL; on SQLite it stays allowed
because Django's test flush empties tables with DELETE (SQLite has no TRUNCATE) — production
runs on PostgreSQL.
"""

from django.db import migrations

PG_UP = """
CREATE OR REPLACE FUNCTION panah_audit_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'audit_auditevent is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_auditevent_no_update BEFORE UPDATE OR DELETE ON audit_auditevent
  FOR EACH ROW EXECUTE FUNCTION panah_audit_append_only();
"""
PG_DOWN = """
DROP TRIGGER IF EXISTS audit_auditevent_no_update ON audit_auditevent;
DROP FUNCTION IF EXISTS panah_audit_append_only();
"""
SQLITE_UP = """
CREATE TRIGGER audit_auditevent_no_update BEFORE UPDATE ON audit_auditevent
BEGIN SELECT RAISE(ABORT, 'audit_auditevent is append-only'); END;
"""
SQLITE_DOWN = "DROP TRIGGER IF EXISTS audit_auditevent_no_update;"


def up(apps, schema_editor):  # type: ignore[no-untyped-def]
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_UP)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_UP)


def down(apps, schema_editor):  # type: ignore[no-untyped-def]
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_DOWN)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_DOWN)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(up, down)]
