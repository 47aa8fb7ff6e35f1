"""The scoring page's form: one level per domain and three optional notes each, for the page
without JavaScript (with it, each change goes to the API as it is made)."""

from django import forms

from ..services.scoring import NOTE_FIELDS, NOTE_MAX_LENGTH, SCORE_MESSAGE

NOTE_LABELS = {
    "what_works": "What works",
    "what_gets_in_the_way": "What gets in the way",
    "evidence": "Evidence",
}
NOTE_HINTS = {
    "what_works": "What the table agreed is working well in this domain.",
    "what_gets_in_the_way": "What stops practice reaching the next level.",
    "evidence": "What the table based its score on, for example a shared service map or meeting notes.",
}


def note_name(code: str, note: str) -> str:
    return f"{code}-{note}"


class ScoringForm(forms.Form):
    """One radio group (`<code>`) and three notes (`<code>-<note>`) per domain of the framework.

    A domain left without a level is skipped, unless notes were written for it (a score is what
    the notes belong to)."""

    def __init__(self, data=None, *, domains, levels, scores):
        super().__init__(data)
        self.domains = domains
        choices = [(str(level.score), f"{level.score} {level.label}") for level in levels]
        for domain in domains:
            saved = scores.get(domain.code)
            self.fields[domain.code] = forms.ChoiceField(
                label=f"{domain.letter}: {domain.title}",
                choices=choices,
                required=False,
                widget=forms.RadioSelect,
                initial=str(saved.score) if saved else None,
                error_messages={"invalid_choice": f"{domain.title}: {SCORE_MESSAGE.lower()}"},
            )
            for note in NOTE_FIELDS:
                self.fields[note_name(domain.code, note)] = forms.CharField(
                    label=NOTE_LABELS[note],
                    help_text=NOTE_HINTS[note],
                    required=False,
                    max_length=NOTE_MAX_LENGTH,
                    widget=forms.Textarea(attrs={"rows": 3}),
                    initial=getattr(saved, note) if saved else "",
                    error_messages={
                        "max_length": f"{domain.title}: keep the note to {NOTE_MAX_LENGTH} characters or fewer"
                    },
                )

    def clean(self):
        data = super().clean()
        for domain in self.domains:
            if data.get(domain.code) in (None, "") and any(
                data.get(note_name(domain.code, note)) for note in NOTE_FIELDS
            ):
                self.add_error(domain.code, f"{domain.title}: choose a level to save its notes")
        return data

    def changes(self):
        """(domain code, score, notes) for every domain given a level."""
        for domain in self.domains:
            score = self.cleaned_data.get(domain.code)
            if score in (None, ""):
                continue
            notes = {note: self.cleaned_data.get(note_name(domain.code, note), "") for note in NOTE_FIELDS}
            yield domain.code, int(score), notes
