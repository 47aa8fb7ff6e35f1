"""Through the real Celery worker and Redis: a referral's submission and transitions lead to
refreshed rollups without anyone running anything by hand."""

from referrals.models.rollup import ReferralMonth, ReferralOpen, RollupState
from referrals.states import Status

from ..conftest import wait_for
from .factories import act, details_for, draft, make_world


def _open(partnership) -> dict:
    return dict(
        ReferralOpen.objects.filter(partnership=partnership, school__isnull=True).values_list("rag", "referrals")
    )


def _fresh(partnership) -> bool:
    state = RollupState.objects.filter(partnership=partnership).first()
    return state is not None and state.refreshed_at is not None and state.stale_since is None


def test_a_transition_refreshes_the_rollups_on_the_real_worker(celery_worker):
    world = make_world()
    referral = draft(world)
    act(world, referral, "submit")  # commits (transactional test): the refresh is queued for the worker
    assert wait_for(lambda: _fresh(world.partnership) and _open(world.partnership) == {"green": 1})
    month = ReferralMonth.objects.get(partnership=world.partnership, school__isnull=True)
    assert (month.referrals, month.waiting, month.accepted) == (1, 1, 0)

    for name in ("claim", "signpost"):
        act(world, referral, name, **details_for(world, name))
    referral.refresh_from_db()
    assert referral.status == Status.SIGNPOSTED

    def signposted():
        row = ReferralMonth.objects.filter(partnership=world.partnership, school__isnull=True).first()
        return _fresh(world.partnership) and row is not None and row.signposted == 1 and row.waiting == 0

    assert wait_for(signposted)
    assert _open(world.partnership) == {}
