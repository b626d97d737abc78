"""The desktop entry and the AppStream metadata: well-formed, and naming the same program,
icon and version as the rest of the project."""

from __future__ import annotations

import configparser
import shutil
import subprocess
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlparse

import pytest
from lodestone import __version__
from lodestone.ui.render import RENDERABLE

ROOT = Path(__file__).resolve().parents[2]
DESKTOP = ROOT / "packaging" / "lodestone.desktop"
METAINFO = ROOT / "packaging" / "io.github.lodestone.Lodestone.metainfo.xml"


@pytest.fixture(scope="module")
def entry() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # type: ignore[assignment, method-assign]  # keys are case-sensitive
    parser.read_string(DESKTOP.read_text(encoding="utf-8"))
    return parser["Desktop Entry"]


@pytest.fixture(scope="module")
def component() -> ET.Element:
    return ET.parse(METAINFO).getroot()


def test_desktop_entry_runs_the_lodestone_command(entry: configparser.SectionProxy) -> None:
    assert entry["Type"] == "Application"
    assert entry["Name"] == "Lodestone"
    assert entry["Exec"] == "lodestone"  # no %f: a file argument would need --db and a MIME type
    assert "MimeType" not in entry
    assert entry["Terminal"] == "false"
    assert entry["Categories"].endswith(";")


def test_desktop_entry_icon_is_shipped(entry: configparser.SectionProxy) -> None:
    icon = entry["Icon"]
    assert icon == "lodestone"
    assert (ROOT / "resources" / "icons" / f"{icon}.svg").is_file()


def test_metainfo_names_the_same_program(component: ET.Element,
                                         entry: configparser.SectionProxy) -> None:
    assert component.get("type") == "desktop-application"
    assert component.findtext("id") == METAINFO.name.removesuffix(".metainfo.xml")
    assert component.findtext("launchable[@type='desktop-id']") == DESKTOP.name
    assert component.findtext("provides/binary") == entry["Exec"]
    assert component.findtext("name") == entry["Name"]
    assert component.find("content_rating") is not None


def test_metainfo_licence_matches_the_licence_file(component: ET.Element) -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert component.findtext("project_license") == pyproject["project"]["license"] == "MIT"
    assert (ROOT / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")


def test_metainfo_release_is_this_version(component: ET.Element) -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    releases = component.findall("releases/release")
    assert releases, "no release listed"
    assert releases[0].get("version") == __version__ == pyproject["project"]["version"]
    assert releases[0].get("date")


def test_screenshots_are_views_lodestone_renders(component: ET.Element) -> None:
    images = [shot.findtext("image") or "" for shot in component.findall("screenshots/screenshot")]
    assert images
    for image in images:
        url = urlparse(image)
        assert url.scheme == "https" and "/docs/screenshots/" in url.path
        assert Path(url.path).suffix == ".png" and Path(url.path).stem in RENDERABLE
        committed = ROOT / "docs" / "screenshots" / Path(url.path).name
        if (ROOT / "docs" / "screenshots").is_dir():
            assert committed.is_file(), f"{committed.name} is not among the README's screenshots"


@pytest.mark.parametrize("command", [
    ["desktop-file-validate", str(DESKTOP)],
    ["appstreamcli", "validate", "--no-net", str(METAINFO)],
], ids=["desktop-file-validate", "appstreamcli"])
def test_validators_accept(command: list[str]) -> None:
    if shutil.which(command[0]) is None:
        pytest.skip(f"{command[0]} is not installed (Debian: desktop-file-utils, appstream)")
    result = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
