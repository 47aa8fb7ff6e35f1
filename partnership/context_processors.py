from django.conf import settings

from .registry import nav_items_for


def layout(request):
    user = getattr(request, "user", None)
    navigation = nav_items_for(user) if user is not None else []
    for item in navigation:
        item["current"] = request.path == item["href"] or (
            item["href"] != "/" and request.path.startswith(item["href"])
        )
    return {
        "service_name": settings.SERVICE_NAME,
        "navigation_items": navigation,
        "csp_nonce": getattr(request, "csp_nonce", ""),
    }
