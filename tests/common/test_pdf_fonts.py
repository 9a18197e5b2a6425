"""The fonts the PDFs name are the ones the image and CI install, not a machine's extras."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

BASE = Path(settings.BASE_DIR)
STACK = [
    family.strip().strip('"')
    for family in (BASE / "templates/includes/pdf_font_stack.css").read_text().split(",")
]


def installed_packages(path: Path) -> set[str]:
    """The Debian font packages ``path`` installs (the names starting with ``fonts-``)."""
    return set(re.findall(r"\bfonts-[a-z0-9-]+", path.read_text()))


def test_the_image_and_ci_install_the_same_noto_fonts():
    image = installed_packages(BASE / "Dockerfile")
    ci = installed_packages(BASE / ".ci/system-packages")

    assert {"fonts-noto-core", "fonts-noto-cjk"} <= image
    assert image <= ci
    assert ".ci/system-packages" in (BASE / ".ci/run").read_text()


@pytest.mark.skipif(
    not (shutil.which("fc-list") and shutil.which("dpkg")), reason="needs fontconfig and dpkg"
)
@pytest.mark.parametrize("family", [f for f in STACK if f != "sans-serif"])
def test_every_family_of_the_pdf_font_stack_comes_from_a_package_the_image_installs(family):
    files = subprocess.run(
        ["fc-list", f":family={family}", "file"], capture_output=True, text=True, check=True
    ).stdout.split()
    files = [name.rstrip(":") for name in files]
    assert files, f"{family} is not installed: run .ci/system-packages"

    owners = subprocess.run(["dpkg", "-S", *files], capture_output=True, text=True).stdout
    packages = {line.split(":", 1)[0] for line in owners.splitlines()}

    assert packages & installed_packages(BASE / "Dockerfile"), (family, packages)
