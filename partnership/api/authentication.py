from drf_spectacular.extensions import OpenApiAuthenticationExtension
from knox.auth import TokenAuthentication as KnoxTokenAuthentication


class TokenAuthentication(KnoxTokenAuthentication):
    """`Authorization: Token <token>`: knox checks the digest, expiry and that the user is active."""


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
