"""The install story: the wheel ships the package, seeds and resources, and an installed MediaCat runs outside
the source tree; plus the desktop entry, AppStream metainfo, icons and the packaging scripts."""

from __future__ import annotations

import configparser
import hashlib
import importlib.metadata
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest
from PIL import Image, ImageChops, ImageStat

import mediacat
from mediacat import APP_NAME, paths

REPO = Path(__file__).resolve().parent.parent
RESOURCES = REPO / "resources"
ICON_SIZES = (16, 32, 48, 64, 128, 256)
# What a copy of the source tree leaves out: VCS data, build output and caches (stale build/lib files
# would end up in the wheel).
SOURCE_IGNORE = shutil.ignore_patterns(
    ".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", ".pytest_cache", ".ruff_cache", ".mypy_cache",
    ".hypothesis", "tmp", "*.pyc",
)


def clean_env(**extra: str) -> dict[str, str]:
    """The environment for an installed MediaCat: nothing that would make the source tree importable."""
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "PYTHONHOME")}
    env.update(extra)
    return env


def run(command: list[str], *, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=cwd, env=env or clean_env(), capture_output=True, text=True, timeout=600)


def check(result: subprocess.CompletedProcess[str]) -> subprocess.CompletedProcess[str]:
    assert result.returncode == 0, f"{result.args} exited {result.returncode}\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A wheel built offline from a clean copy of the source tree with the current Python's setuptools."""
    setuptools_version = importlib.metadata.version("setuptools")
    if tuple(int(part) for part in setuptools_version.split(".")[:2]) < (70, 1):
        pytest.importorskip("wheel", reason="setuptools < 70.1 needs the wheel package to build wheels: "
                            "pip install '.[test]'")
    source = tmp_path_factory.mktemp("source") / "mediacat"
    shutil.copytree(REPO, source, ignore=SOURCE_IGNORE)
    out = tmp_path_factory.mktemp("wheelhouse")
    check(run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
               "-w", str(out), "."], cwd=source))
    wheels = list(out.glob("mediacat-*.whl"))
    assert len(wheels) == 1, wheels
    return wheels[0]


@pytest.fixture(scope="module")
def venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A venv (--system-site-packages) with the wheel installed; returns the venv folder."""
    folder = make_venv(tmp_path_factory.mktemp("venv") / "env")
    check(run([str(folder / "bin" / "python"), "-m", "pip", "install", "--no-deps", "--no-index",
               "--ignore-installed", "--disable-pip-version-check", str(wheel)], cwd=folder))
    return folder


def make_venv(folder: Path) -> Path:
    """A venv that sees the dependencies of the Python running the tests, without their copy of mediacat."""
    check(run([sys.executable, "-m", "venv", "--system-site-packages", "--without-pip", str(folder)], cwd=REPO))
    # The dependencies (PySide6, Pillow ...) are wherever the Python running the tests has them: the system
    # site-packages, or a venv of its own (CI's .venv, which also holds an installed mediacat). A folder of
    # links to that site-packages' entries, minus any mediacat, goes on the new venv's path (after its own
    # site-packages), so the venv finds those dependencies and only the mediacat the test installs.
    view = folder / "dependencies"
    view.mkdir()
    for site_dir in sorted({sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}):
        for entry in sorted(Path(site_dir).iterdir()):
            if entry.name.lower().startswith(("mediacat", "__editable__")) or entry.suffix == ".pth":
                continue
            if not (view / entry.name).exists():
                (view / entry.name).symlink_to(entry)
    site_packages = Path(check(run(
        [str(folder / "bin" / "python"), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        cwd=folder)).stdout.strip())
    (site_packages / "_mediacat_test_dependencies.pth").write_text(f"{view}\n")
    return folder


def builtin_manifest() -> list[dict]:
    return json.loads((REPO / "seeds" / "builtin_media.json").read_text(encoding="utf-8"))["files"]


@pytest.mark.slow
def test_the_wheel_ships_the_package_the_seeds_the_articles_and_the_resources(wheel: Path) -> None:
    assert wheel.name.startswith(f"mediacat-{mediacat.__version__}-")
    names = set(zipfile.ZipFile(wheel).namelist())
    catalog = json.loads((REPO / "seeds" / "catalog.json").read_text(encoding="utf-8"))
    expected = {
        "mediacat/__init__.py",
        "mediacat/__main__.py",
        "mediacat/paths.py",
        "mediacat/core/library.py",
        "mediacat/core/store/schema.py",
        "mediacat/cli/commands/cmd_list.py",
        "mediacat/_seeds/catalog.json",
        "mediacat/_resources/mediacat.desktop",
        "mediacat/_resources/io.github.mediacat.MediaCat.metainfo.xml",
        "mediacat/_resources/icons/mediacat.svg",
        *(f"mediacat/_resources/icons/hicolor/{size}x{size}/apps/mediacat.png" for size in ICON_SIZES),
        *(f"mediacat/_seeds/{article['file']}" for article in catalog["articles"]),
        "mediacat/_seeds/builtin_media.json",
        *(f"mediacat/_seeds/{media['file']}" for media in builtin_manifest()),
    }
    assert len(builtin_manifest()) == 6
    with zipfile.ZipFile(wheel) as archive:
        for media in builtin_manifest():  # byte for byte
            assert hashlib.sha256(archive.read(f"mediacat/_seeds/{media['file']}")).hexdigest() == media["sha256"]
    assert len(catalog["articles"]) >= 5
    assert expected - names == set()
    modules = {path.relative_to(REPO).as_posix() for path in (REPO / "mediacat").rglob("*.py")}
    assert modules - names == set(), "modules of the source tree missing from the wheel"
    assert not [name for name in names if name.startswith(("seeds/", "resources/", "tests/"))]
    assert not [name for name in names if "__pycache__" in name or name.endswith(".pyc")]


@pytest.mark.slow
def test_the_installed_wheel_runs_the_shipped_catalog_outside_the_source_tree(
    venv: Path, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    located = check(run([str(venv / "bin" / "python"), "-c",
                         "import mediacat, mediacat.paths as p; print(mediacat.__file__); print(p.seeds_dir()); "
                         "print(p.resources_dir())"], cwd=elsewhere)).stdout.splitlines()
    for line in located:
        assert Path(line).resolve().is_relative_to(venv.resolve()), located
    assert (Path(located[1]) / "catalog.json").is_file()
    assert (Path(located[2]) / "mediacat.desktop").is_file()

    version = check(run([str(venv / "bin" / "mediacat"), "--version"], cwd=elsewhere))
    assert version.stdout.strip() == f"mediacat {mediacat.__version__}"

    listed = check(run([str(venv / "bin" / "mediacat"), "list", "--json", "--library", str(tmp_path / "lib")],
                       cwd=elsewhere))
    items = json.loads(listed.stdout)
    ids = [item["id"] for item in items]
    assert len(ids) >= 20
    assert "skycrane-still" in ids
    builtin = {item["id"]: item["builtin_media"] for item in items if item["builtin_media"]}
    assert len(builtin) >= 5
    for media in (m for files in builtin.values() for m in files):
        path = Path(media["path"])
        assert path.resolve().is_relative_to(venv.resolve())
        assert hashlib.sha256(path.read_bytes()).hexdigest() == media["sha256"]
    assert (tmp_path / "lib" / "mediacat.sqlite3").is_file()
    assert list(elsewhere.iterdir()) == []


@pytest.mark.slow
def test_an_editable_install_finds_the_seeds_and_resources_of_its_source_tree(
    tmp_path_factory: pytest.TempPathFactory, tmp_path: Path
) -> None:
    source = tmp_path_factory.mktemp("editable") / "mediacat"
    shutil.copytree(REPO, source, ignore=SOURCE_IGNORE)
    folder = make_venv(tmp_path_factory.mktemp("venv-editable") / "env")
    check(run([str(folder / "bin" / "python"), "-m", "pip", "install", "--no-deps", "--no-index",
               "--no-build-isolation", "--ignore-installed", "--disable-pip-version-check", "-e", str(source)],
              cwd=source))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    located = check(run([str(folder / "bin" / "python"), "-c",
                         "import mediacat, mediacat.paths as p; print(mediacat.__file__); print(p.seeds_dir()); "
                         "print(p.resources_dir())"], cwd=elsewhere)).stdout.splitlines()
    assert [Path(line).resolve() for line in located] == [
        source.resolve() / "mediacat" / "__init__.py", source.resolve() / "seeds", source.resolve() / "resources"
    ]
    listed = check(run([str(folder / "bin" / "mediacat"), "list", "--json", "--library", str(tmp_path / "lib")],
                       cwd=elsewhere))
    assert "skycrane-still" in [item["id"] for item in json.loads(listed.stdout)]


def test_the_source_tree_finds_its_own_seeds_and_resources() -> None:
    assert paths.seeds_dir().resolve() == REPO / "seeds"
    assert (paths.seeds_dir() / "catalog.json").is_file()
    assert paths.resources_dir().resolve() == RESOURCES
    assert (paths.resources_dir() / "mediacat.desktop").is_file()


class _CaseSensitiveParser(configparser.RawConfigParser):
    def optionxform(self, optionstr: str) -> str:
        return optionstr  # a desktop entry's keys are case-sensitive


def read_desktop_entry(path: Path) -> dict[str, str]:
    parser = _CaseSensitiveParser(interpolation=None, delimiters=("=",))
    parser.read(path, encoding="utf-8")
    return dict(parser["Desktop Entry"])


def test_the_desktop_entry_names_the_app_its_command_icon_and_categories() -> None:
    entry = read_desktop_entry(RESOURCES / "mediacat.desktop")
    assert entry["Type"] == "Application"
    assert entry["Name"] == "MediaCat"
    assert entry["Exec"] == "mediacat"
    assert entry["Icon"] == "mediacat"
    assert entry["Terminal"] == "false"
    assert set(entry["Categories"].rstrip(";").split(";")) == {"Graphics", "AudioVideo", "Viewer", "Science"}
    # the X11 window class is Qt's application name (the Wayland app id is the desktop file's name)
    assert entry["StartupWMClass"] == APP_NAME


def test_the_metainfo_is_well_formed_and_matches_the_desktop_entry() -> None:
    root = ElementTree.parse(RESOURCES / "io.github.mediacat.MediaCat.metainfo.xml").getroot()
    assert root.tag == "component" and root.get("type") == "desktop-application"
    assert root.findtext("id") == "io.github.mediacat.MediaCat"
    assert root.findtext("name") == "MediaCat"
    assert root.findtext("launchable") == "mediacat.desktop"
    assert root.findtext("icon") == read_desktop_entry(RESOURCES / "mediacat.desktop")["Icon"]
    assert root.findtext("provides/binary") == "mediacat"
    release = root.find("releases/release")
    assert release is not None and release.get("version") == mediacat.__version__
    assert len(root.findall("description/p")) >= 2


@pytest.mark.parametrize(
    "command",
    [
        ["desktop-file-validate", str(RESOURCES / "mediacat.desktop")],
        ["appstreamcli", "validate", "--no-net", str(RESOURCES / "io.github.mediacat.MediaCat.metainfo.xml")],
    ],
    ids=["desktop-file-validate", "appstreamcli"],
)
def test_the_freedesktop_validators_accept_the_files(command: list[str]) -> None:
    if shutil.which(command[0]) is None:
        pytest.skip(f"{command[0]} is not installed (bash packaging/debian-deps.sh --test installs it)")
    check(run(command, cwd=REPO))


def alpha(image: Image.Image, xy: tuple[int, int]) -> int:
    """The alpha of an RGBA image's pixel."""
    pixel = image.getpixel(xy)
    assert isinstance(pixel, tuple) and len(pixel) == 4, f"{pixel!r} at {xy} is not an RGBA pixel"
    return pixel[3]


def test_the_icon_pngs_are_the_renders_of_the_svg(tmp_path: Path) -> None:
    check(run([sys.executable, str(REPO / "packaging" / "render_icons.py"), str(tmp_path)], cwd=REPO,
              env=clean_env(QT_QPA_PLATFORM="offscreen")))
    for size in ICON_SIZES:
        relative = Path("hicolor") / f"{size}x{size}" / "apps" / "mediacat.png"
        committed = Image.open(RESOURCES / "icons" / relative).convert("RGBA")
        rendered = Image.open(tmp_path / relative).convert("RGBA")
        assert committed.size == rendered.size == (size, size)
        assert alpha(committed, (size // 2, size // 2)) == 255  # opaque in the middle
        assert alpha(committed, (0, 0)) == 0  # transparent corners (a rounded tile)
        difference = ImageStat.Stat(ImageChops.difference(committed, rendered)).mean
        assert max(difference) < 8, f"{relative}: the committed PNG is not the SVG's render ({difference})"


@pytest.mark.slow
def test_the_desktop_entry_installs_for_the_user_pointing_at_the_venv_and_uninstalls(
    venv: Path, tmp_path: Path
) -> None:
    data_home = tmp_path / "data"
    script = REPO / "packaging" / "install-desktop-entry.sh"
    env = clean_env(XDG_DATA_HOME=str(data_home), VIRTUAL_ENV=str(venv), HOME=str(tmp_path / "home"))
    check(run(["bash", str(script)], cwd=tmp_path, env=env))
    installed = data_home / "applications" / "mediacat.desktop"
    entry = read_desktop_entry(installed)
    assert entry["Exec"] == f'"{venv.resolve() / "bin" / "mediacat"}"'
    assert entry["TryExec"] == str(venv.resolve() / "bin" / "mediacat")
    assert entry["Name"] == "MediaCat"
    icons = data_home / "icons" / "hicolor"
    for size in ICON_SIZES:
        assert (icons / f"{size}x{size}" / "apps" / "mediacat.png").read_bytes() == (
            RESOURCES / "icons" / "hicolor" / f"{size}x{size}" / "apps" / "mediacat.png"
        ).read_bytes()
    assert (icons / "scalable" / "apps" / "mediacat.svg").is_file()
    # the Exec line runs: the same command the menu would start, asked for its version
    version = check(run([entry["TryExec"], "--version"], cwd=tmp_path, env=env))
    assert version.stdout.strip() == f"mediacat {mediacat.__version__}"

    check(run(["bash", str(script), "--uninstall"], cwd=tmp_path, env=env))
    assert not installed.exists()
    assert not [path for path in icons.rglob("*") if path.is_file() and path.stem == "mediacat"]


def test_the_desktop_entry_installer_refuses_a_missing_command_and_installs_nothing(tmp_path: Path) -> None:
    data_home = tmp_path / "data"
    env = clean_env(XDG_DATA_HOME=str(data_home))
    missing = tmp_path / "no-such-bin" / "mediacat"
    result = run(["bash", str(REPO / "packaging" / "install-desktop-entry.sh"), "--mediacat", str(missing)],
                 cwd=tmp_path, env=env)
    assert result.returncode == 2
    assert str(missing) in result.stderr
    assert not data_home.exists()


@pytest.mark.slow
def test_build_wheel_script_builds_an_sdist_and_a_wheel_from_it_offline(tmp_path: Path) -> None:
    pytest.importorskip("build", reason="the PyPA build module is in the test extra: pip install '.[test]'")
    source = tmp_path / "mediacat"
    shutil.copytree(REPO, source, ignore=SOURCE_IGNORE)
    check(run(["bash", "packaging/build-wheel.sh", "--no-isolation", "--outdir", str(tmp_path / "out")],
              cwd=source, env=clean_env(PYTHON=sys.executable)))
    sdists = list((tmp_path / "out").glob("mediacat-*.tar.gz"))
    wheels = list((tmp_path / "out").glob("mediacat-*.whl"))
    assert len(sdists) == 1 and len(wheels) == 1
    names = set(zipfile.ZipFile(wheels[0]).namelist())
    assert {"mediacat/_seeds/catalog.json", "mediacat/_resources/mediacat.desktop"} <= names


def test_readme_starts_with_two_commands_and_ci_runs_the_test_one() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    quick_start = readme.split("## Quick start", 1)[1]
    block = quick_start.split("```sh\n", 1)[1].split("```", 1)[0]
    commands = block.strip().splitlines()
    assert len(commands) == 2 and commands[0].endswith(".venv/bin/mediacat")
    assert "'.[test]'" in commands[1] and commands[1].endswith("-m pytest")
    assert readme.index("## Quick start") < readme.index("## The command line")
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert f"\n{commands[1]} || exit $?\n" in ci and "ruff check ." in ci
