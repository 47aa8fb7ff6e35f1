"""The `field()` Jinja global renders each Django widget as the matching NHS.UK component."""

import re

from django import forms
from django.template import engines


class Sample(forms.Form):
    colour = forms.ChoiceField(choices=[("r", "Red"), ("g", "Green")], widget=forms.RadioSelect)
    sectors = forms.MultipleChoiceField(choices=[("a", "A"), ("b", "B")], widget=forms.CheckboxSelectMultiple)
    agree = forms.BooleanField(label="I agree")


def render(form, name):
    template = engines["jinja2"].from_string("{{ field(form[name]) }}")
    return template.render({"form": form, "name": name})


def test_multiple_choice_checkboxes_render_as_checkboxes_not_radios():
    html = render(Sample(), "sectors")
    assert html.count('type="checkbox"') == 2
    assert 'type="radio"' not in html


def test_radios_and_checkboxes_never_repeat_an_id():
    for name in ("colour", "sectors", "agree"):
        ids = re.findall(r'\bid="([^"]+)"', render(Sample(), name))
        assert len(ids) == len(set(ids)), (name, ids)


def test_the_error_summary_links_to_the_first_option():
    form = Sample(data={})
    summary = engines["jinja2"].from_string("{{ error_summary(form) }}").render({"form": form})
    anchor = re.search(r'href="#([^"]+)"', summary).group(1)
    first_input = re.search(r"<input[^>]*>", render(form, "colour")).group(0)
    assert f'id="{anchor}"' in first_input
