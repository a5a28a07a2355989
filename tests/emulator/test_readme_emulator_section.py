"""The README's emulator section lists exactly the fidelity rules the emulator installs."""

from __future__ import annotations

import re
from pathlib import Path

from appstack.local import fidelity

README = Path(__file__).resolve().parents[2] / "README.md"
HEADING = "## The local emulator"


def section() -> str:
    text = README.read_text()
    assert HEADING in text, f"README.md has no '{HEADING}' section"
    body = text.split(HEADING, 1)[1]
    return body.split("\n## ", 1)[0]


def test_every_registered_fidelity_rule_is_in_the_readme_emulator_section() -> None:
    listed = section()
    missing = [rule_id for rule_id in fidelity.load() if rule_id not in listed]
    assert missing == [], f"add these rules to the README's emulator section: {missing}"


def test_the_readme_emulator_section_lists_no_rule_that_is_not_registered() -> None:
    mentioned = set(re.findall(r"\bEM\d{3}\b", section()))
    assert mentioned <= set(fidelity.load())
