"""Facts from shared/reference/mhst.json (DESIGN.md section 7): the three functions, the operating
principles, the ten-item readiness checklist. Read once at import; the JSON is the source."""

import json
from functools import cache
from pathlib import Path

from django.conf import settings
from django.db import models

REFERENCE = Path(settings.BASE_DIR) / "mhst" / "reference" / "mhst.json"


@cache
def reference() -> dict:
    return json.loads(REFERENCE.read_text())


class Function(models.IntegerChoices):
    INTERVENTIONS = 1, "1. Evidence-based interventions"
    WHOLE_SCHOOL = 2, "2. Whole-school approach"
    ADVICE_LIAISON = 3, "3. Advice and liaison"

    @property
    def title(self) -> str:
        return next(f["title"] for f in reference()["functions"] if f["number"] == self.value)


class ReadinessCode(models.TextChoices):
    NAMED_LEAD = "named_lead", "Named lead or contact"
    COMMUNICATION_LINES = "communication_lines", "Clear lines of communication"
    PROTOCOL_ENDORSED = "protocol_endorsed", "Protocol endorsed by senior leadership"
    SHARED_UNDERSTANDING = "shared_understanding", "Shared understanding of need"
    ACCOMMODATION = "accommodation", "Suitable, protected accommodation"
    ENGAGEMENT_PLAN = "engagement_plan", "Plan to involve pupils, parents and staff"
    SUPPORTIVE_ENVIRONMENT = "supportive_environment", "Supportive environment for MHST staff"
    COLLABORATION_PLATFORM = "collaboration_platform", "Signed up to the collaboration platform"
    ADDITIONALITY = "additionality", "MHST additional to existing provision"
    EVALUATION = "evaluation", "Commitment to evaluation"

    @property
    def description(self) -> str:
        """The checklist item's full wording, from the reference data."""
        return next(i["label"] for i in reference()["school_readiness_checklist"] if i["code"] == self.value)


READINESS_ITEMS = len(ReadinessCode.choices)
