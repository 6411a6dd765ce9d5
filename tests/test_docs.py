"""The README documents every setting and every command; the templates match the contract."""
from __future__ import annotations

from pathlib import Path

from dashboard import cli
from queries import settings

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_doc001_every_setting_is_in_the_readme():
    missing = [s.name for s in settings.SETTINGS if f"`{s.name}`" not in README]
    assert not missing, f"settings missing from README.md: {missing}"


def test_doc002_readme_opens_with_the_two_commands():
    first_block = README.split("```")[1]
    assert "make run" in first_block and "make test" in first_block


def test_doc003_every_cli_command_is_in_the_readme():
    commands = cli.parser()._subparsers._group_actions[0].choices
    missing = [c for c in commands if f"civmon {c}" not in README]
    assert not missing, f"commands missing from README.md: {missing}"
