from drf_spectacular.extensions import OpenApiAuthenticationExtension
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from rest_framework import exceptions

from ..roles import Permission


class TokenAuthentication(KnoxTokenAuthentication):
    """`Authorization: Token <token>`: knox checks the digest, expiry and that the user is active;
    we also check the user still holds a role that may use the API, so a token dies with the role."""

    def validate_user(self, auth_token):
        user, auth_token = super().validate_user(auth_token)
        if not user.has_permission(Permission.USE_API):
            raise exceptions.AuthenticationFailed("This account no longer has a role that may use the API.")
        return user, auth_token


class TokenAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "partnership.api.authentication.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Token <token>`: issue one from your account page or `manage.py issue_api_token`.",
        }
