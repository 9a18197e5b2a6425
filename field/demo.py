"""The demo technician's phone account, linked to the first sample technician."""

from accounts.demo import TECHNICIAN_EMAIL
from accounts.models import User
from scheduling.demo import SAMPLE_TECHNICIANS
from scheduling.models import Technician


def seed(*, stdout) -> list[str]:
    user = User.objects.get(email=TECHNICIAN_EMAIL)
    name = SAMPLE_TECHNICIANS[0][0]
    Technician.objects.filter(name=name, user__isnull=True).update(user=user)
    return [f"  {TECHNICIAN_EMAIL} signs in as the technician {name}"]
