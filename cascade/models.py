"""The CASCADE framework as data: versioned, loaded from a file (`manage.py load_framework`).

A framework has seven domains, each scored on the same four levels (0-3); each domain has short
guidance per level. The shipped guidance is the project's own wording; an area holding the
official descriptors loads them from a file in the same shape, without code changes.
"""

from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator
from django.db import models


class Framework(models.Model):
    code = models.CharField(max_length=30)
    version = models.CharField(max_length=30)
    title = models.CharField(max_length=300)
    attribution = models.TextField(blank=True)
    guidance_source = models.CharField(
        max_length=200, help_text="Whose words the level guidance is in (the project's own, or the official text)."
    )
    is_current = models.BooleanField(default=False)
    loaded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="one_framework_per_version"),
            models.UniqueConstraint(
                fields=["code"], condition=models.Q(is_current=True), name="one_current_framework_per_code"
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.version}"


class Level(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="levels")
    score = models.PositiveSmallIntegerField(validators=[MaxValueValidator(3)])
    code = models.CharField(max_length=40)
    label = models.CharField(max_length=100)

    class Meta:
        ordering = ["framework", "score"]
        constraints = [models.UniqueConstraint(fields=["framework", "score"], name="one_level_per_score")]

    def __str__(self):
        return f"{self.score} {self.label}"


class Domain(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="domains")
    position = models.PositiveSmallIntegerField()
    letter = models.CharField(max_length=1)
    code = models.SlugField(max_length=40)
    title = models.CharField(max_length=300)
    #: guidance[score] describes practice at that level (one entry per level, 0 first)
    guidance = ArrayField(models.TextField(), size=4)

    class Meta:
        ordering = ["framework", "position"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="one_domain_per_code"),
            models.UniqueConstraint(fields=["framework", "position"], name="one_domain_per_position"),
        ]

    def __str__(self):
        return f"{self.letter}: {self.title}"
