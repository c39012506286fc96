"""The lock files say exactly what a fresh machine installs: they must agree with pyproject.toml.

`make run` and `make test` install requirements/run.txt and requirements/dev.txt with --require-hashes, so a
dependency added to pyproject.toml but not locked would be missing, and one removed but still locked would
be installed for nothing. `make lock` rewrites both files.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s\\;]+)")


def locked(path: Path) -> tuple[dict[str, str], set[str]]:
    """The pinned versions by canonical name, and the names locked because pyproject.toml asks for them."""
    pins: dict[str, str] = {}
    direct: set[str] = set()
    current = ""
    for line in path.read_text().splitlines():
        if match := PIN.match(line):
            current = canonicalize_name(match.group(1))
            pins[current] = match.group(2)
        elif "luoshi (pyproject.toml)" in line and current:
            direct.add(current)
    return pins, direct


def declared(extra: str | None) -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = [Requirement(r) for r in project["dependencies"]]
    if extra:
        wanted += [Requirement(r) for r in project["optional-dependencies"][extra]]
    return wanted


@pytest.mark.parametrize(("lock", "extra"), [("run.txt", None), ("dev.txt", "dev")])
def test_every_declared_dependency_is_locked_at_a_version_it_allows(lock: str, extra: str | None) -> None:
    pins, direct = locked(ROOT / "requirements" / lock)
    wanted = declared(extra)
    for requirement in wanted:
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{requirement.name} is in pyproject.toml but not in requirements/{lock}"
        assert requirement.specifier.contains(pins[name], prereleases=True), (
            f"requirements/{lock} pins {requirement.name}=={pins[name]}, outside {requirement.specifier}"
        )
    names = {canonicalize_name(r.name) for r in wanted}
    assert direct <= names, f"requirements/{lock} still locks {sorted(direct - names)}: run make lock"


def test_every_locked_package_carries_its_hashes() -> None:
    for lock in ("run.txt", "dev.txt"):
        text = (ROOT / "requirements" / lock).read_text()
        entries = re.split(r"\n(?=[A-Za-z0-9])", text.split("\n", 2)[2])
        for entry in entries:
            if PIN.match(entry):
                first = entry.splitlines()[0]
                assert "--hash=sha256:" in entry, f"{first} in requirements/{lock} has no hash"
