"""A team's capacity in whole-time equivalents on a given day (issue 6 item 1).

Direct-work capacity counts only qualified practitioners in direct-work roles (EMHPs, supervisors,
senior practitioners, and EMHPs in training from the day their training completes). Trainees are
shown separately; service leads and administrators are neither."""

from dataclasses import dataclass, field
from decimal import Decimal

from ..models import Practitioner, PractitionerRole

ZERO = Decimal("0.00")


@dataclass
class Capacity:
    on: object
    qualified_wte: Decimal = ZERO
    trainee_wte: Decimal = ZERO
    other_wte: Decimal = ZERO
    qualified: list = field(default_factory=list)
    trainees: list = field(default_factory=list)
    others: list = field(default_factory=list)

    @property
    def sessions_per_week(self) -> Decimal:
        """Qualified capacity in sessions (half days): one WTE is ten sessions a week."""
        return self.qualified_wte * 10

    @property
    def headcount(self) -> int:
        return len(self.qualified) + len(self.trainees) + len(self.others)


def classify(practitioners, on) -> Capacity:
    """Sort practitioners active on `on` into qualified, trainee and other, summing their WTE."""
    result = Capacity(on=on)
    for p in sorted(practitioners, key=lambda p: (p.name, p.pk or 0)):
        if not p.is_active_on(on):
            continue
        if p.is_trainee_on(on):
            result.trainees.append(p)
            result.trainee_wte += p.wte
        elif p.role in PractitionerRole.direct_work():
            result.qualified.append(p)
            result.qualified_wte += p.wte
        else:
            result.others.append(p)
            result.other_wte += p.wte
    return result


def capacity(team, on) -> Capacity:
    return classify(Practitioner.objects.filter(team=team).active_on(on), on)
