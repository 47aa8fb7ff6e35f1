"""Views reach partnership data only through `.for_user(...)` (MBS's lint_model_usage_in_views).

Fails when a view or API module names `<Model>.objects` for a model whose manager is
partnership-scoped, unless the very next call in the chain is `for_user`.
"""

import ast
from pathlib import Path

from django.apps import apps
from django.conf import settings

from partnership.scoping import is_partnership_scoped

APPS = ("partnership", "cascade", "referrals", "mhst")


def _view_modules():
    for app in APPS:
        root = Path(settings.BASE_DIR) / app
        yield from root.glob("views.py")
        yield from root.glob("views/*.py")
        yield from root.glob("api/*.py")
        yield from root.glob("forms.py")
        yield from root.glob("forms/*.py")


def _scoped_model_names():
    return {model.__name__ for model in apps.get_models() if is_partnership_scoped(model)}


def _unscoped_uses(source: str, scoped: set[str]) -> list[str]:
    problems = []
    tree = ast.parse(source)
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in {"get_object_or_404", "get_list_or_404"}
            and node.args
            and isinstance(node.args[0], ast.Name)
            and node.args[0].id in scoped
        ):
            problems.append(f"line {node.lineno}: {node.func.id}({node.args[0].id}, ...) without .for_user()")
        if (
            isinstance(node, ast.Attribute)
            and node.attr in {"objects", "_default_manager", "_base_manager"}
            and isinstance(node.value, ast.Name)
            and node.value.id in scoped
        ):
            parent = parents.get(node)
            if isinstance(parent, ast.Attribute) and parent.attr == "for_user":
                continue
            problems.append(f"line {node.lineno}: {node.value.id}.{node.attr} without .for_user()")
    return problems


def test_view_modules_use_only_scoped_managers():
    scoped = _scoped_model_names()
    assert {"Partnership", "Membership", "PartnershipOrganisation"} <= scoped
    problems = {}
    for path in _view_modules():
        found = _unscoped_uses(path.read_text(), scoped)
        if found:
            problems[str(path)] = found
    assert problems == {}


def test_the_lint_catches_an_unscoped_manager():
    bad = "def view(request):\n    return Partnership.objects.get(slug='x')\n"
    good = "def view(request):\n    return Partnership.objects.for_user(request.user).get(slug='x')\n"
    assert _unscoped_uses(bad, {"Partnership"}) == ["line 2: Partnership.objects without .for_user()"]
    assert _unscoped_uses(good, {"Partnership"}) == []
    shortcut = "def view(request, slug):\n    return get_object_or_404(Partnership, slug=slug)\n"
    assert _unscoped_uses(shortcut, {"Partnership"}) == [
        "line 2: get_object_or_404(Partnership, ...) without .for_user()"
    ]
