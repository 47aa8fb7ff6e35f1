"""Every task on the beat schedule is registered with the worker (a typo would fail only at 07:30)."""

from config.celery import app


def test_every_scheduled_task_is_registered():
    app.loader.import_default_modules()
    scheduled = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert {
        "partnership.tasks.request_stale_lead_confirmations",
        "partnership.tasks.send_action_reminders",
        "partnership.tasks.send_terms_review_reminders",
        "partnership.tasks.send_mou_review_reminders",
    } <= scheduled
    assert scheduled - set(app.tasks) == set()
