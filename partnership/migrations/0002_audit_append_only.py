from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION partnership_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER partnership_auditevent_no_update_or_delete
    BEFORE UPDATE OR DELETE ON partnership_auditevent
    FOR EACH ROW EXECUTE FUNCTION partnership_auditevent_append_only();
"""

REVERSE = """
DROP TRIGGER IF EXISTS partnership_auditevent_no_update_or_delete ON partnership_auditevent;
DROP FUNCTION IF EXISTS partnership_auditevent_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [("partnership", "0001_initial")]

    operations = [migrations.RunSQL(FORWARD, REVERSE)]
