"""Staff roles: Django groups with least privilege, created by accounts/migrations/0002.

The group names are the stable handle other code and tests use; the permissions each group holds
are set by migrations, so every environment gets the same roles.
"""

REVIEWER = "Reviewer"
SCHEDULER = "Scheduler"
FINANCE = "Finance"
PROGRAM_ADMIN = "Program admin"

STAFF_GROUPS = (REVIEWER, SCHEDULER, FINANCE, PROGRAM_ADMIN)

# Custom permissions on enrollment.Application (declared here, created by the migration, because
# the model's Meta belongs to the lifecycle).
DECIDE_APPLICATION = "enrollment.decide_application"
EXPORT_APPLICATION = "enrollment.export_application"
