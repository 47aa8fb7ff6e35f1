from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from .models import AuditEvent, Membership, Organisation, Partnership, PartnershipOrganisation, User
from .models.audit import AuditAction
from .services import audit

# The admin signs in through the same page as everyone else, with the second factor.
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = "CYP Mental Health Partnership administration"


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


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: nobody adds, changes or deletes audit events, not even a superuser."""

    list_display = ["occurred_at", "actor_label", "action", "object_type", "object_id", "ip_address", "request_id"]
    list_filter = ["action", "object_type"]
    search_fields = ["actor_label", "object_id", "request_id"]
    date_hierarchy = "occurred_at"
    readonly_fields = [f.name for f in AuditEvent._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(User)
class UserAdmin(AuditedAdmin, DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "is_active", "is_staff"]
    search_fields = ["email", "full_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Person", {"fields": ["full_name"]}),
        ("Access", {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "full_name", "password1", "password2"]})]
    filter_horizontal = ["groups"]


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
