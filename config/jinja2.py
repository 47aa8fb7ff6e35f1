"""The Jinja2 environment for pages: NHS.UK design-system macros plus a few Django helpers.

`field(bound_field)` renders any Django form field as the matching NHS.UK component (input,
textarea, select, radios, checkboxes) with its label, hint and error message, and
`error_summary(form)` renders the NHS.UK error summary linking to each field in error. A plain
Django form therefore looks right without hand-written component HTML (ADR 0003).
"""

from django import forms
from django.conf import settings
from django.contrib.messages import constants as message_levels
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from jinja2 import ChainableUndefined, ChoiceLoader, Environment, PackageLoader
from markupsafe import Markup

_MACROS = {
    "input": ("nhsuk/components/input/macro.jinja", "input"),
    "textarea": ("nhsuk/components/textarea/macro.jinja", "textarea"),
    "select": ("nhsuk/components/select/macro.jinja", "select"),
    "radios": ("nhsuk/components/radios/macro.jinja", "radios"),
    "checkboxes": ("nhsuk/components/checkboxes/macro.jinja", "checkboxes"),
    "error_summary": ("nhsuk/components/error-summary/macro.jinja", "errorSummary"),
}


def environment(**options) -> Environment:
    options["undefined"] = ChainableUndefined
    options["loader"] = ChoiceLoader([options["loader"], PackageLoader("nhsuk_frontend_jinja")])
    options.pop("autoescape", None)
    env = Environment(autoescape=True, **options)
    env.globals.update(
        {
            "url": reverse,
            "static": static,
            "static_url": settings.STATIC_URL,
            "now": timezone.now,
            "field": lambda bound_field, **params: render_field(env, bound_field, **params),
            "error_summary": lambda form, **params: render_error_summary(env, form, **params),
            "message_class": message_class,
        }
    )
    env.filters["date_uk"] = lambda value: timezone.localtime(value).strftime("%-d %B %Y") if value else ""
    env.filters["datetime_uk"] = lambda value: timezone.localtime(value).strftime("%-d %B %Y at %H:%M") if value else ""
    return env


def _macro(env: Environment, kind: str):
    template_name, macro_name = _MACROS[kind]
    return getattr(env.get_template(template_name).module, macro_name)


def _kind(widget) -> str:
    if isinstance(widget, forms.Textarea):
        return "textarea"
    if isinstance(widget, forms.CheckboxSelectMultiple):  # before RadioSelect: Django subclasses it
        return "checkboxes"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.CheckboxInput):
        return "single_checkbox"
    if isinstance(widget, forms.Select):
        return "select"
    return "input"


def render_field(env: Environment, bf, **params) -> Markup:
    """The macro's output is already Markup: the environment autoescapes every value it interpolates."""
    widget = bf.field.widget
    kind = _kind(widget)
    error = {"text": " ".join(str(e) for e in bf.errors)} if bf.errors else None
    label = {"text": params.pop("label", bf.label)}
    hint = {"text": str(bf.help_text)} if bf.help_text else None
    common = {"id": bf.id_for_label or bf.html_name, "name": bf.html_name, "errorMessage": error, "hint": hint}
    attributes = {k: v for k, v in widget.attrs.items() if k not in {"class", "id", "placeholder"}}
    if bf.field.required and kind not in {"single_checkbox"}:
        attributes.setdefault("required", True)
    value = bf.value()

    if kind in {"radios", "checkboxes", "single_checkbox"}:
        # The first input takes the id (so labels and the error summary's link reach it); the
        # macro's wrapper must not repeat it, or `<label for>` would point at the wrapper.
        common["idPrefix"] = common.pop("id")
        fieldset = {"legend": {"text": label["text"], "classes": "nhsuk-fieldset__legend--s"}}
        if kind == "single_checkbox":
            items = [{"value": "on", "text": label["text"], "checked": bool(value)}]
            merged = {**common, "items": items}
            merged.update(params)
            return _macro(env, "checkboxes")(merged)
        selected = {str(v) for v in (value if isinstance(value, list | tuple) else [value]) if v is not None}
        items = [
            {"value": str(v), "text": str(t), "checked": str(v) in selected} for v, t in bf.field.choices if v != ""
        ]
        merged = {**common, "fieldset": fieldset, "items": items}
        merged.update(params)
        return _macro(env, kind)(merged)

    merged = {**common, "label": label, "attributes": attributes}
    if kind == "select":
        merged["items"] = [
            {"value": str(v), "text": str(t), "selected": str(v) == str(value)} for v, t in bf.field.choices
        ]
    else:
        merged["value"] = "" if value is None else str(value)
        if kind == "input":
            merged["type"] = getattr(widget, "input_type", "text")
            if merged["type"] == "password":
                merged["value"] = ""
        if "autocomplete" in attributes:
            merged["autocomplete"] = attributes.pop("autocomplete")
    merged.update(params)
    return _macro(env, kind)(merged)


def render_error_summary(env: Environment, form, **params) -> Markup:
    if not form.errors:
        return Markup("")
    # A form-level error (such as a wrong password) links to the first field, as NHS.UK advises.
    first = next(iter(form), None)
    first_anchor = f"#{first.id_for_label or first.html_name}" if first is not None else None
    items = [{"text": str(e), "href": first_anchor} for e in form.non_field_errors()]
    for name, errors in form.errors.items():
        if name == forms.forms.NON_FIELD_ERRORS:
            continue
        bf = form[name]
        anchor = bf.id_for_label or bf.html_name
        items.extend({"text": str(e), "href": f"#{anchor}"} for e in errors)
    merged = {"titleText": "There is a problem", "errorList": items}
    merged.update(params)
    return _macro(env, "error_summary")(merged)


def message_class(level: int) -> str:
    return "success" if level == message_levels.SUCCESS else "info"
