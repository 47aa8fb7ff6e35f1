from allauth.account.decorators import secure_admin_login
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group as AuthGroup
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from knox.models import AuthToken

from .models import (
    Action,
    AuditEvent,
    DirectoryService,
    Group,
    LeadContact,
    Meeting,
    Membership,
    Mou,
    Organisation,
    OrganisationLink,
    OutboxMessage,
    Partnership,
    PartnershipOrganisation,
    Risk,
    TaskFailure,
    TermsOfReference,
    User,
)
from .models.audit import AuditAction
from .services import audit
from .services.tokens import revoke_all_tokens

# The admin signs in through the same page as everyone else, with the second factor.
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = "CYP Mental Health Partnership administration"

# Not administered here: roles live on memberships (not groups), email addresses are the user's
# own field, and API tokens are issued and revoked by their holders (or issue_api_token).
for _model in (AuthGroup, EmailAddress, AuthToken, Authenticator):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)


class AuditedAdmin(admin.ModelAdmin):
    """Changes made in the admin are audited like changes made anywhere else."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit.record(
            actor=request.user,
            action=AuditAction.UPDATE if change else AuditAction.CREATE,
            obj=obj,
            detail={"via": "admin", "fields": sorted(form.changed_data)},
        )

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            audit.record(actor=request.user, action=AuditAction.DELETE, obj=obj, detail={"via": "admin"})
            obj.delete()
        for obj in instances:
            adding = obj._state.adding
            obj.save()
            audit.record(
                actor=request.user,
                action=AuditAction.CREATE if adding else AuditAction.UPDATE,
                obj=obj,
                detail={"via": "admin"},
            )
        formset.save_m2m()

    def delete_model(self, request, obj):
        audit.record(actor=request.user, action=AuditAction.DELETE, obj=obj, detail={"via": "admin"})
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            audit.record(actor=request.user, action=AuditAction.DELETE, obj=obj, detail={"via": "admin"})
        super().delete_queryset(request, queryset)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shown for support, read-only, even to a superuser: governance records are changed through the
    service's pages, where their rules live (a signed MOU is never edited, terms of reference are
    versioned, decisions keep their numbers); audit events and the outbox are never changed by hand."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """Read-only: nobody adds, changes or deletes audit events, not even a superuser."""

    list_display = ["occurred_at", "actor_label", "action", "object_type", "object_id", "ip_address", "request_id"]
    list_filter = ["action", "object_type"]
    search_fields = ["actor_label", "object_id", "request_id"]
    date_hierarchy = "occurred_at"
    readonly_fields = [f.name for f in AuditEvent._meta.fields]


@admin.register(Authenticator)
class AuthenticatorAdmin(AuditedAdmin):
    """Lets an administrator reset a user's two-factor authentication (a lost phone), audited.
    Nothing can be added or edited here: secrets are only ever set by their holder."""

    list_display = ["user", "type", "created_at", "last_used_at"]
    list_filter = ["type"]
    search_fields = ["user__email"]
    fields = ["user", "type", "created_at", "last_used_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        revoke_all_tokens(obj.user, reason="two-factor authentication reset by an administrator")

    def delete_queryset(self, request, queryset):
        users = {a.user for a in queryset.select_related("user")}
        super().delete_queryset(request, queryset)
        for user in users:
            revoke_all_tokens(user, reason="two-factor authentication reset by an administrator")


@admin.register(User)
class UserAdmin(AuditedAdmin, DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "is_active", "is_staff", "reads_national_dashboard"]
    search_fields = ["email", "full_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Person", {"fields": ["full_name"]}),
        ("Access", {"fields": ["is_active", "is_staff", "is_superuser", "reads_national_dashboard"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "full_name", "password1", "password2"]})]
    filter_horizontal = []

    def user_change_password(self, request, id, form_url=""):
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            user = self.get_object(request, id)
            audit.record(actor=request.user, action=AuditAction.PASSWORD_CHANGED, obj=user, detail={"via": "admin"})
        return response


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user", "organisation"]


@admin.register(Partnership)
class PartnershipAdmin(AuditedAdmin):
    list_display = ["name", "slug", "lead_body", "region", "is_active"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdmin):
    list_display = ["name", "kind", "urn", "ods_code", "postcode"]
    list_filter = ["kind"]
    search_fields = ["name", "urn", "ods_code"]


@admin.register(PartnershipOrganisation)
class PartnershipOrganisationAdmin(AuditedAdmin):
    list_display = ["organisation", "partnership", "status", "joined_on"]
    list_filter = ["status", "partnership"]
    autocomplete_fields = ["organisation"]


@admin.register(Membership)
class MembershipAdmin(AuditedAdmin):
    list_display = ["user", "partnership", "organisation", "roles", "is_active"]
    list_filter = ["partnership", "is_active"]
    autocomplete_fields = ["user", "organisation"]


@admin.register(OrganisationLink)
class OrganisationLinkAdmin(ReadOnlyAdmin):
    list_display = ["predecessor", "successor", "link_type", "linked_on"]
    search_fields = ["predecessor__name", "successor__name", "predecessor__urn", "successor__urn"]


@admin.register(LeadContact)
class LeadContactAdmin(ReadOnlyAdmin):
    list_display = ["name", "kind", "member", "last_confirmed_at", "ended_on"]
    list_filter = ["kind"]


@admin.register(Group)
class GroupAdmin(ReadOnlyAdmin):
    list_display = ["name", "kind", "partnership", "is_active"]
    list_filter = ["kind"]


@admin.register(TermsOfReference)
class TermsOfReferenceAdmin(ReadOnlyAdmin):
    list_display = ["group", "version", "status", "review_date"]
    list_filter = ["status"]


@admin.register(Mou)
class MouAdmin(ReadOnlyAdmin):
    list_display = ["title", "version", "status", "partnership", "review_date"]
    list_filter = ["status"]


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyAdmin):
    list_display = ["group", "starts_at", "status", "quorate"]
    list_filter = ["status"]


@admin.register(Action)
class ActionAdmin(ReadOnlyAdmin):
    list_display = ["number", "title", "partnership", "owner", "due_date", "status"]
    list_filter = ["status", "source"]


@admin.register(Risk)
class RiskAdmin(ReadOnlyAdmin):
    list_display = ["number", "title", "partnership", "likelihood", "impact", "status"]
    list_filter = ["status"]


@admin.register(DirectoryService)
class DirectoryServiceAdmin(ReadOnlyAdmin):
    list_display = ["name", "provider", "partnership", "last_reviewed_on", "is_active"]
    list_filter = ["is_active"]


# --- background task failures ------------------------------------------------------------------
def status_filter(field: str, unset: tuple[str, str], done: tuple[str, str]):
    """A "status" filter on whether the date `field` is set: `unset` and `done` are (value, label)."""

    class StatusFilter(admin.SimpleListFilter):
        title = "status"
        parameter_name = "status"

        def lookups(self, request, model_admin):
            return [unset, done]

        def queryset(self, request, queryset):
            if self.value() in (unset[0], done[0]):
                return queryset.filter(**{f"{field}__isnull": self.value() == unset[0]})
            return queryset

    return StatusFilter


TaskFailureStatusFilter = status_filter("resolved_at", ("open", "Not resolved"), ("resolved", "Resolved"))


@admin.register(TaskFailure)
class TaskFailureAdmin(admin.ModelAdmin):
    """Celery tasks that raised (recorded by partnership.tasks.failures). Read-only but for the
    "mark resolved" action, which is audited; rows are kept as the record of what went wrong."""

    list_display = ["failed_at", "task", "exception", "task_id", "args", "resolved_at"]
    list_filter = [TaskFailureStatusFilter, "task", "exception"]
    search_fields = ["task", "task_id", "exception"]
    date_hierarchy = "failed_at"
    readonly_fields = [f.name for f in TaskFailure._meta.fields]
    actions = ["mark_resolved"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Mark the selected failures resolved", permissions=["change"])
    def mark_resolved(self, request, queryset):
        now = timezone.now()
        open_failures = list(queryset.filter(resolved_at__isnull=True))
        for failure in open_failures:
            failure.resolved_at = now
            failure.save(update_fields=["resolved_at"])
            audit.record(
                actor=request.user, action=AuditAction.UPDATE, obj=failure, detail={"via": "admin", "resolved": True}
            )
        self.message_user(request, f"{len(open_failures)} task failure(s) marked resolved.", messages.SUCCESS)


OutboxStatusFilter = status_filter("done_at", ("pending", "Not done"), ("done", "Done"))


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdmin):
    """The outbox (partnership/outbox.py, ADR 0014), read-only: what is waiting for the broker or a
    worker. A message holds a task name and an id, never a child's details."""

    list_display = ["created_at", "task", "object_id", "attempts", "sent_at", "done_at"]
    list_filter = [OutboxStatusFilter, "task"]
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in OutboxMessage._meta.fields]


def overdue_outbox_count() -> int:
    """Messages still not done well after the relay should have delivered them (the broker or the
    workers have been down for a while)."""
    from .outbox import retry_after

    cutoff = timezone.now() - 2 * retry_after()
    return OutboxMessage.objects.filter(done_at__isnull=True, created_at__lt=cutoff).count()


def open_task_failure_count() -> int:
    return TaskFailure.objects.filter(resolved_at__isnull=True).count()


_admin_index = admin.site.index


#: what the admin's front page warns of: (permission to see it, how many, its list, the filter,
#: the message with {count} and {s} ("s are" or " is"), the link's text)
ADMIN_WARNINGS = [
    (
        "partnership.view_taskfailure",
        open_task_failure_count,
        "admin:partnership_taskfailure_changelist",
        "?status=open",
        "{count} background task failure{s} not resolved.",
        "See the task failures",
    ),
    (
        "partnership.view_outboxmessage",
        overdue_outbox_count,
        "admin:partnership_outboxmessage_changelist",
        "?status=pending",
        "{count} background message{s} waiting longer than expected: is the broker or the worker down?",
        "See the outbox",
    ),
]


def _index_with_warnings(request, extra_context=None):
    """The admin's front page warns staff who may see them of unresolved task failures and of outbox
    messages waiting too long."""
    for permission, count_of, changelist, query, message, link in ADMIN_WARNINGS:
        if not (request.user.is_active and request.user.has_perm(permission)):
            continue
        count = count_of()
        if count:
            text = message.format(count=count, s=" is" if count == 1 else "s are")
            messages.warning(request, format_html('{} <a href="{}">{}</a>.', text, reverse(changelist) + query, link))
    return _admin_index(request, extra_context)


admin.site.index = _index_with_warnings
