"""Demo technicians around the utility's headquarters (91770, Rosemead), labelled sample."""

from .geo import haversine_km, zip_centroids
from .models import Technician
from .services import schedule_approved_requests, technician_ensure_default_windows

# (name, home base ZIP): spread over the territory's busiest valleys.
SAMPLE_TECHNICIANS = [
    ("Alex Rivera (sample)", "91770"),
    ("Jordan Lee (sample)", "92708"),
    ("Morgan Patel (sample)", "91730"),
    ("Casey Nguyen (sample)", "93030"),
]
TERRITORY_KM = 30


def seed(*, stdout) -> list[str]:
    centroids = zip_centroids()
    for name, home in SAMPLE_TECHNICIANS:
        base = (centroids[home].lat, centroids[home].lon)
        territory = sorted(
            z for z, c in centroids.items() if haversine_km(base, (c.lat, c.lon)) <= TERRITORY_KM
        )
        technician, _created = Technician.objects.update_or_create(
            name=name,
            defaults={
                "home_zip": home,
                "territory_zips": territory,
                "email": "technicians@example.com",
                "is_sample": True,
            },
        )
        technician_ensure_default_windows(technician=technician)
    result = schedule_approved_requests(notify=False)
    return [
        "",
        f"Sample technicians: {len(SAMPLE_TECHNICIANS)} "
        "(visit board: /admin/scheduling/visit/board/)",
        f"  scheduler placed {result.placed} approved request(s), {result.unplaced} unplaceable",
    ]
