"""Staff roles: Django groups with least privilege, created by accounts/migrations/0002.

The group names are the stable handle other code and tests use; the permissions each group holds
are set by migrations, so every environment gets the same roles.
"""

REVIEWER = "Reviewer"
SCHEDULER = "Scheduler"
FINANCE = "Finance"
PROGRAM_ADMIN = "Program admin"

STAFF_GROUPS = (REVIEWER, SCHEDULER, FINANCE, PROGRAM_ADMIN)

# Custom permissions on enrollment.Request (declared here, created by the migration, because
# the model's Meta belongs to the lifecycle).
DECIDE_REQUEST = "enrollment.decide_request"
EXPORT_REQUEST = "enrollment.export_request"


def grant(apps, grants: dict[str, list[tuple[str, str, str]]]) -> None:
    """Give staff groups permissions, from a data migration of the app that owns them.

    ``grants`` maps a group name to ``(app_label, model, codename)`` triples. Permissions are
    created if the app's own post-migrate step has not made them yet.
    """
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    for group_name, triples in grants.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        for app_label, model, codename in triples:
            content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
            permission, _ = Permission.objects.get_or_create(
                content_type=content_type,
                codename=codename,
                defaults={"name": codename.replace("_", " ").capitalize()},
            )
            group.permissions.add(permission)


def revoke(apps, grants: dict[str, list[tuple[str, str, str]]]) -> None:
    """Undo ``grant`` (for the migration's reverse)."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, triples in grants.items():
        group = Group.objects.filter(name=group_name).first()
        if group is None:
            continue
        for app_label, _model, codename in triples:
            group.permissions.remove(
                *Permission.objects.filter(content_type__app_label=app_label, codename=codename)
            )
