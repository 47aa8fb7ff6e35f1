"""What every governance page does first: find the partnership the user may see, check the
permission the page needs, and reach objects only through the user's scope.

- a partnership (or an object in it) the user cannot see: 404, never 403;
- a partnership the user can see, but a page that needs a permission they lack: 403.
"""

import csv

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404

from ..models import Partnership
from ..roles import Permission
from ..scoping import get_for_user_or_404
from ..services.permissions import allowed as can

PAGE_SIZE = 25


def partnership_for(request, slug: str, permission: Permission = Permission.VIEW_PARTNERSHIP) -> Partnership:
    partnership = get_for_user_or_404(Partnership, request.user, Permission.VIEW_PARTNERSHIP, slug=slug)
    if not can(request.user, partnership, permission):
        raise PermissionDenied
    return partnership


def scoped(model, request, partnership: Partnership, permission: Permission = Permission.VIEW_PARTNERSHIP):
    """`model`'s rows in `partnership`, reached through the user's scope."""
    return model.objects.for_user(request.user, permission).for_partnership(partnership)


def scoped_or_404(model, request, partnership: Partnership, **lookup):
    return get_object_or_404(scoped(model, request, partnership), **lookup)


def posted(request):
    """The POST data of a POST (even an empty one, such as a confirmation, so that it is validated), else None."""
    return request.POST if request.method == "POST" else None


def show_errors(form, error: ValidationError) -> None:
    """A service's refusal (ValidationError), shown in the form's error summary: never a 500."""
    if not hasattr(form, "cleaned_data"):
        form.is_valid()
        form.cleaned_data = getattr(form, "cleaned_data", {})
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def paginate(request, queryset, per_page: int = PAGE_SIZE):
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def csv_response(filename: str, header: list[str], rows) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")  # so Excel reads UTF-8
    writer = csv.writer(response)
    writer.writerow(header)
    for row in rows:
        writer.writerow([_safe_cell(value) for value in row])
    return response


def _safe_cell(value):
    """Neutralise spreadsheet formulas (CSV injection): a cell starting = + - @ is prefixed with '."""
    text = "" if value is None else str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text
