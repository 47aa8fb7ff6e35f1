"""A referral's status history is immutable: the database refuses UPDATE and DELETE on it, as it
does for the audit table (ADR 0006)."""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION referrals_statuschange_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'referral status changes are append-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER referrals_statuschange_no_update_or_delete
    BEFORE UPDATE OR DELETE ON referrals_statuschange
    FOR EACH ROW EXECUTE FUNCTION referrals_statuschange_append_only();
"""

REVERSE = """
DROP TRIGGER IF EXISTS referrals_statuschange_no_update_or_delete ON referrals_statuschange;
DROP FUNCTION IF EXISTS referrals_statuschange_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [("referrals", "0001_referrals")]

    operations = [migrations.RunSQL(FORWARD, REVERSE)]
