from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone

from ..roles import CHILD_DETAIL_ROLES, Permission, Role, permissions_for


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, email):
        return self.get(email__iexact=email)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in. Users sign in with their email address."""

    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=200)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False, help_text="Can sign in to the Django admin.")
    reads_national_dashboard = models.BooleanField(
        "national dashboard reader",
        default=False,
        help_text="Reads the national dashboard: every partnership's figures added together (an NHS England "
        "analyst). Set by an administrator; gives no access to any partnership's pages.",
    )
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["email"]

    def __str__(self):
        return self.full_name or self.email

    def save(self, *args, **kwargs):
        self.email = (self.email or "").strip().lower()
        super().save(*args, **kwargs)

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else self.email

    # --- roles ---------------------------------------------------------------------------------
    def active_memberships(self):
        return self.memberships.filter(is_active=True, partnership__is_active=True).select_related(
            "partnership", "organisation"
        )

    def _memberships(self) -> list:
        """The active memberships, read once per user instance (that is, once per request)."""
        if not hasattr(self, "_memberships_cache"):
            self._memberships_cache = list(self.active_memberships())
        return self._memberships_cache

    def all_roles(self) -> set[Role]:
        return {Role(r) for m in self._memberships() for r in m.roles}

    def has_permission(self, permission: Permission) -> bool:
        return permission in permissions_for(self.all_roles())

    def partnership_ids(self, permission: Permission | None = None) -> list[int]:
        ids = []
        for membership in self._memberships():
            if permission is None or permission in permissions_for(membership.roles):
                ids.append(membership.partnership_id)
        return sorted(set(ids))

    def has_totp(self) -> bool:
        return self.authenticator_set.filter(type="totp").exists()

    @property
    def requires_mfa(self) -> bool:
        """Two-factor sign-in is required for anyone who can see a child's details, and for admins."""
        return self.is_staff or bool(self.all_roles() & CHILD_DETAIL_ROLES)
