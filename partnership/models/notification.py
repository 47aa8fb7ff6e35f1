from django.db import models


class SentNotification(models.Model):
    """One row per notification effect, keyed so that a task run twice sends it once."""

    key = models.CharField(max_length=200, unique=True)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_at"]

    def __str__(self):
        return self.key
