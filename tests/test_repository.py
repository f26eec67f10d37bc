"""The repository keeps its promises to a newcomer: two commands, a clean tree."""

from __future__ import annotations

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_readme_gives_the_two_commands_and_ci_runs_the_test_one() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "`make demo`" in readme and "`make test`" in readme
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert ci.rstrip().splitlines()[-1] == "make test"
    for package in (
        "libreoffice-writer-nogui",
        "libreoffice-calc-nogui",
        "poppler-utils",
        "libsaxonhe-java",
    ):
        assert package in ci


def test_inbox_and_outbox_hold_only_a_gitkeep_in_git() -> None:
    tracked = subprocess.run(
        ["git", "ls-files", "inbox", "outbox"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert sorted(tracked) == ["inbox/.gitkeep", "outbox/.gitkeep"]
