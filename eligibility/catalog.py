"""The Approved Product List held in each process, checked against a version in the cache.

The list is small and read on every public pre-check and on the public list page, and it changes
a few times a year. Each process keeps a copy of every entry; before using it, it reads the
list's version from the shared cache (one cache read, no query) and reloads only when the version
moved. Any save or delete of an entry gives the list a new version, again once the change is
committed (``apl_changed``, connected in ``EligibilityConfig.ready``), so the next reader in every
process reloads. While the cache is unavailable the version reads as unknown and every reader
reloads: slower, never stale.
"""

import threading
import uuid
from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction

from .models import ApprovedProduct

VERSION_KEY = "eligibility:apl:version"


@dataclass(frozen=True)
class AplCopy:
    version: str
    entries: tuple[ApprovedProduct, ...]  # every entry, whatever its status
    by_id: dict[int, ApprovedProduct]

    @property
    def active(self) -> list[ApprovedProduct]:
        return [p for p in self.entries if p.status == ApprovedProduct.Status.ACTIVE]


_lock = threading.Lock()
_copy: AplCopy | None = None


def apl_version() -> str:
    """Return the list's current version, starting a new one when the cache has none."""
    version = cache.get(VERSION_KEY)
    if version is None:
        version = uuid.uuid4().hex
        # add(), not set(): two processes starting a version at once agree on the first.
        if cache.add(VERSION_KEY, version, timeout=None):
            return version
        version = cache.get(VERSION_KEY) or version
    return version


def apl_copy() -> AplCopy:
    """Return this process's copy of the list, reloaded when its version moved."""
    global _copy
    version = apl_version()
    current = _copy
    if current is not None and current.version == version:
        return current
    with _lock:
        if _copy is not None and _copy.version == version:
            return _copy
        entries = tuple(ApprovedProduct.objects.order_by("manufacturer", "model_name"))
        _copy = AplCopy(
            version=version, entries=entries, by_id={entry.pk: entry for entry in entries}
        )
        return _copy


def apl_snapshot(device_id: int | None) -> dict | None:
    """Return the entry as plain data from the copy, or None when there is no such entry."""
    if device_id is None:
        return None
    entry = apl_copy().by_id.get(device_id)
    return entry.snapshot() if entry is not None else None


def _new_version() -> None:
    cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)


def apl_changed(**kwargs) -> None:
    """Give the list a new version now and again once the change is committed.

    Now, so this transaction's own later reads see the change; after the commit too, because a
    reader in another process between the two may have loaded the old rows under the first new
    version.
    """
    _new_version()
    transaction.on_commit(_new_version)
