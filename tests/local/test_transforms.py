"""Template transforms the emulator cannot run are dropped there, each with a note."""

from __future__ import annotations

import pytest

from appstack.local.transforms import for_emulator


@pytest.mark.parametrize(
    "transform", ["AWS::SecretsManager-2024-09-16", "AWS::SecretsManager-2020-07-23"]
)
def test_the_rotation_transform_is_dropped_on_the_emulator_with_a_note(transform: str) -> None:
    template = {"Transform": transform, "Resources": {}}
    result, notes = for_emulator(template)
    assert "Transform" not in result and "Transform" in template
    assert notes and transform in notes[0]


def test_other_transforms_stay_and_only_the_rotation_one_goes() -> None:
    template = {
        "Transform": ["AWS::LanguageExtensions", "AWS::SecretsManager-2024-09-16"],
        "Resources": {},
    }
    result, notes = for_emulator(template)
    assert result["Transform"] == ["AWS::LanguageExtensions"]
    assert len(notes) == 1
    assert template["Transform"][1] == "AWS::SecretsManager-2024-09-16"  # the input is left as is


def test_a_template_without_a_rotation_transform_is_handed_back_unchanged() -> None:
    plain = {"Resources": {}}
    other = {"Transform": "AWS::Serverless-2016-10-31", "Resources": {}}
    assert for_emulator(plain) == (plain, [])
    assert for_emulator(other) == (other, [])
