"""Shared fixtures: real sites copied to a temporary folder, built with the real command."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sitekit import PICTURES_VAR, Run, copy_site

from beatgen.cli import main


@pytest.fixture(scope="session", autouse=True)
def shared_sample_pictures(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The sample's pictures are encoded once per session, by the first copy of the sample that is made, and
    every copy starts with them in its build cache (see sitekit.seed_pictures)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(PICTURES_VAR, str(tmp_path_factory.getbasetemp() / "sample-pictures"))
        yield


@pytest.fixture
def mini_site(tmp_path: Path) -> Path:
    return copy_site("mini", tmp_path / "site")


@pytest.fixture
def beatgen(capsys: pytest.CaptureFixture[str]) -> Callable[..., Run]:
    def run(*args: str | Path) -> Run:
        code = main([str(a) for a in args])
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return run


@pytest.fixture
def built_mini(mini_site: Path, beatgen: Callable[..., Run]) -> Path:
    result = beatgen("build", "--source", mini_site, "--now", "2026-06-01T00:00:00Z")
    assert result.code == 0, result.err
    return mini_site / "public"


@pytest.fixture(scope="session")
def built_sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository's sample newsroom, built once per test session (read-only for tests)."""
    from readerkit import build_sample

    return build_sample(tmp_path_factory.mktemp("sample"))
