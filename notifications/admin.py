from django.contrib import admin

from .models import InboundMessage, MobileNumber, NotificationChoices, TextMessage


@admin.register(MobileNumber)
class MobileNumberAdmin(admin.ModelAdmin):
    list_display = ["user", "verified_at", "consent_version", "stopped_at"]
    list_filter = ["consent_version"]
    search_fields = ["user__email"]
    list_select_related = ["user"]
    readonly_fields = [
        "user",
        "number",
        "verified_at",
        "consent_at",
        "consent_version",
        "consent_language",
        "stopped_at",
        "updated_at",
    ]
    exclude = ["code_hash", "code_expires_at", "code_attempts"]


@admin.register(NotificationChoices)
class NotificationChoicesAdmin(admin.ModelAdmin):
    list_display = ["user", "updated_at"]
    search_fields = ["user__email"]
    list_select_related = ["user"]
    readonly_fields = ["updated_at"]


@admin.register(TextMessage)
class TextMessageAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "recipient", "msa_request", "state", "provider"]
    list_filter = ["kind", "state", "provider"]
    search_fields = ["recipient__email", "provider_sid", "event_key"]
    list_select_related = ["recipient", "msa_request"]
    readonly_fields = [f.name for f in TextMessage._meta.fields]


@admin.register(InboundMessage)
class InboundMessageAdmin(admin.ModelAdmin):
    list_display = ["received_at", "action", "language", "message_sid"]
    list_filter = ["action", "language"]
    search_fields = ["message_sid"]
    readonly_fields = [f.name for f in InboundMessage._meta.fields]
