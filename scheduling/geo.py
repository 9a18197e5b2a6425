"""ZIP centroids for the service territory (shipped as data, no network) and distances.

``data/zip_centroids.csv`` was generated once from the ``zipcodes`` package for the Southern
California counties the utility serves; regenerate it with the same filter if the territory grows.
"""

import csv
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA_FILE = Path(__file__).resolve().parent / "data" / "zip_centroids.csv"
EARTH_RADIUS_KM = 6371.0088


@dataclass(frozen=True)
class ZipCentroid:
    zip: str
    lat: float
    lon: float
    city: str
    county: str


@lru_cache(maxsize=1)
def zip_centroids() -> dict[str, ZipCentroid]:
    """Return every known ZIP centroid of the service territory, by ZIP code."""
    with DATA_FILE.open(newline="", encoding="utf-8") as handle:
        return {
            row["zip"]: ZipCentroid(
                row["zip"], float(row["lat"]), float(row["lon"]), row["city"], row["county"]
            )
            for row in csv.DictReader(handle)
        }


def zip_point(zip_code: str) -> tuple[float, float] | None:
    """Return (lat, lon) of a ZIP code's centroid, or None outside the territory."""
    centroid = zip_centroids().get((zip_code or "").strip()[:5])
    return (centroid.lat, centroid.lon) if centroid else None


def haversine_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Return the great-circle distance between two (lat, lon) points in kilometres."""
    lat1, lon1 = math.radians(a[0]), math.radians(a[1])
    lat2, lon2 = math.radians(b[0]), math.radians(b[1])
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))
