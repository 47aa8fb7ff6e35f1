"""Retention (referrals/retention.py): when a referral's identifiable details were removed; and the
status history's append-only trigger lets exactly one update through: the retention policy replacing a
note's text with its marker, every other column unchanged."""

from django.db import migrations, models

MARKER = "[Removed under the retention policy]"

FORWARD = f"""
CREATE OR REPLACE FUNCTION referrals_statuschange_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.note = '{MARKER}' AND (to_jsonb(NEW) - 'note') = (to_jsonb(OLD) - 'note') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'referral status changes are append-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""

REVERSE = """
CREATE OR REPLACE FUNCTION referrals_statuschange_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'referral status changes are append-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0003_dashboards"),
    ]

    operations = [
        migrations.AddField(
            model_name="referral",
            name="pseudonymised_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunSQL(FORWARD, REVERSE),
    ]
