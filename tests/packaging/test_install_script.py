"""packaging/install.sh puts the bundle, the desktop entry, the icons and the metadata under
a prefix, takes them away again, and touches nothing else. Run on a stand-in bundle, so these
tests need no build."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
INSTALL = ROOT / "packaging" / "install.sh"
SIZES = (16, 32, 48, 64, 128, 256, 512)
METAINFO = "io.github.lodestone.Lodestone.metainfo.xml"


def installed_files(prefix: Path) -> list[Path]:
    """Every file an install writes (the bundle's contents aside)."""
    icons = prefix / "share" / "icons" / "hicolor"
    return [
        prefix / "opt" / "lodestone" / "lodestone",
        prefix / "bin" / "lodestone",
        prefix / "share" / "applications" / "lodestone.desktop",
        prefix / "share" / "metainfo" / METAINFO,
        icons / "scalable" / "apps" / "lodestone.svg",
        *(icons / f"{size}x{size}" / "apps" / "lodestone.png" for size in SIZES),
    ]


def fake_bundle(folder: Path, version: str = "1") -> Path:
    """A folder shaped like dist/lodestone whose program prints its version."""
    (folder / "_internal").mkdir(parents=True, exist_ok=True)
    (folder / "_internal" / f"from-{version}").touch()
    program = folder / "lodestone"
    program.write_text(f"#!/bin/sh\necho stand-in {version}\n")
    program.chmod(0o755)
    return folder


def install(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    """Run from inside `home` and with it as HOME, so that a misread option (a relative
    prefix, a missing --prefix) can only ever write into the test's folder."""
    env = {**os.environ, "HOME": str(home)}
    return subprocess.run(["bash", str(INSTALL), *args], capture_output=True, text=True,
                          env=env, cwd=home, timeout=60)


@pytest.fixture
def bundle(tmp_path: Path) -> Path:
    return fake_bundle(tmp_path / "dist" / "lodestone")


def test_dry_run_lists_every_path_and_writes_nothing(tmp_path: Path, bundle: Path) -> None:
    prefix = tmp_path / "prefix"
    result = install("--prefix", str(prefix), "--bundle", str(bundle), "--dry-run",
                     home=tmp_path)
    assert result.returncode == 0, result.stderr
    for path in installed_files(prefix):
        assert str(path) in result.stdout, f"{path} not listed"
    assert not prefix.exists()
    assert "nothing was changed" in result.stdout


def test_a_relative_prefix_is_made_absolute(tmp_path: Path, bundle: Path) -> None:
    result = install("--prefix", "rel", "--bundle", str(bundle), "--dry-run", home=tmp_path)
    assert result.returncode == 0, result.stderr
    assert f'Exec="{tmp_path}/rel/opt/lodestone/lodestone"' in result.stdout


def test_uninstall_dry_run_lists_and_keeps(tmp_path: Path, bundle: Path) -> None:
    prefix = tmp_path / "prefix"
    assert install("--prefix", str(prefix), "--bundle", str(bundle), home=tmp_path).returncode == 0
    result = install("--prefix", str(prefix), "--uninstall", "--dry-run", home=tmp_path)
    assert result.returncode == 0, result.stderr
    for path in installed_files(prefix)[1:]:
        assert str(path) in result.stdout
        assert path.exists() or path.is_symlink()


def test_install_and_uninstall(tmp_path: Path, bundle: Path) -> None:
    prefix = tmp_path / "my prefix"  # a space must survive into the desktop entry
    other_app_icon = prefix / "share" / "icons" / "hicolor" / "48x48" / "apps" / "other.png"
    other_app_icon.parent.mkdir(parents=True)
    other_app_icon.write_bytes(b"not ours")

    result = install("--prefix", str(prefix), "--bundle", str(bundle), home=tmp_path)
    assert result.returncode == 0, result.stderr
    for path in installed_files(prefix):
        assert path.exists(), f"{path} was not installed"
    launcher = prefix / "bin" / "lodestone"
    assert subprocess.run([str(launcher)], capture_output=True, text=True).stdout == "stand-in 1\n"
    entry = (prefix / "share" / "applications" / "lodestone.desktop").read_text()
    assert f'Exec="{prefix}/opt/lodestone/lodestone"' in entry.splitlines()
    if shutil.which("desktop-file-validate"):
        check = subprocess.run(["desktop-file-validate",
                                str(prefix / "share" / "applications" / "lodestone.desktop")],
                               capture_output=True, text=True)
        assert check.returncode == 0, check.stdout

    result = install("--prefix", str(prefix), "--uninstall", home=tmp_path)
    assert result.returncode == 0, result.stderr
    for path in installed_files(prefix):
        assert not (path.exists() or path.is_symlink()), f"{path} was left behind"
    assert other_app_icon.read_bytes() == b"not ours"
    assert not (tmp_path / ".local").exists()


def test_reinstall_replaces_the_old_bundle(tmp_path: Path, bundle: Path) -> None:
    prefix = tmp_path / "prefix"
    assert install("--prefix", str(prefix), "--bundle", str(bundle), home=tmp_path).returncode == 0
    newer = fake_bundle(tmp_path / "newer", version="2")
    assert install("--prefix", str(prefix), "--bundle", str(newer), home=tmp_path).returncode == 0
    internal = prefix / "opt" / "lodestone" / "_internal"
    assert sorted(p.name for p in internal.iterdir()) == ["from-2"]
    assert not (prefix / "opt" / "lodestone.new").exists()


def test_uninstall_leaves_a_folder_that_is_not_a_bundle(tmp_path: Path) -> None:
    foreign = tmp_path / "prefix" / "opt" / "lodestone"
    foreign.mkdir(parents=True)
    (foreign / "notes.txt").write_text("mine")
    result = install("--prefix", str(tmp_path / "prefix"), "--uninstall", home=tmp_path)
    assert result.returncode == 1
    assert "does not look like a Lodestone bundle" in result.stderr
    assert (foreign / "notes.txt").read_text() == "mine"


def test_install_without_a_built_bundle_says_how(tmp_path: Path) -> None:
    prefix = tmp_path / "prefix"
    result = install("--prefix", str(prefix), "--bundle", str(tmp_path / "none"), home=tmp_path)
    assert result.returncode == 1
    assert "make package" in result.stderr
    assert not prefix.exists()


@pytest.mark.parametrize("args, message", [
    (["--bogus"], "unknown option '--bogus'"),
    (["--prefix"], "--prefix needs a folder"),
    (["--prefix", ""], "--prefix needs a folder"),
    (["--bundle"], "--bundle needs a folder"),
    (["--prefix", "a$b"], "cannot carry"),
    (["--prefix", "100%"], "cannot carry"),
])
def test_usage_errors(tmp_path: Path, bundle: Path, args: list[str], message: str) -> None:
    result = install(*args, "--dry-run", home=tmp_path)
    assert result.returncode == 2
    assert message in result.stderr
    assert "would:" not in result.stdout


def test_help_describes_the_options(tmp_path: Path) -> None:
    result = install("--help", home=tmp_path)
    assert result.returncode == 0
    for option in ("--prefix", "--bundle", "--dry-run", "--uninstall"):
        assert option in result.stdout
