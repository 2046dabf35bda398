from django.db import migrations

# PostgreSQL refuses UPDATE and DELETE on the change log at the database itself, so a bug
# or a hand-typed query cannot rewrite history. (TRUNCATE, used by test flushes and by a
# deliberate purge, stays possible for the table owner.)
FORWARD = """
CREATE OR REPLACE FUNCTION audit_objectchange_refuse() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit_objectchange is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_objectchange_append_only
    BEFORE UPDATE OR DELETE ON audit_objectchange
    FOR EACH ROW EXECUTE FUNCTION audit_objectchange_refuse();
"""
BACKWARD = """
DROP TRIGGER IF EXISTS audit_objectchange_append_only ON audit_objectchange;
DROP FUNCTION IF EXISTS audit_objectchange_refuse();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
