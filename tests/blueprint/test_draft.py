"""The stack under construction: the parameters every name is made of, what each stateful
resource does on delete and replace, and the record of what the template was built for."""

from __future__ import annotations

import re
from typing import Any

from troposphere import Ref
from troposphere.kms import Key
from troposphere.sns import Topic

from appstack import config
from appstack.blueprint.draft import RETAIN, Draft, TaskNeeds


def draft(env: str = "staging", phase: int = 2) -> Draft:
    return Draft(config.resolve(config.parse({}), env, phase))


def built(s: Draft) -> dict[str, Any]:
    template: dict[str, Any] = s.template.to_dict()
    return template


def test_the_template_records_the_environment_and_phase_it_was_built_for() -> None:
    assert built(draft())["Metadata"]["appstack"] == {"environment": "staging", "phase": 2}


def test_the_suffix_takes_single_hyphens_and_none_at_either_end() -> None:
    # It joins names such as the database cluster identifier, which refuses "--" and a
    # trailing hyphen.
    suffix = built(draft())["Parameters"]["EnvironmentSuffix"]
    assert suffix["Default"] == "staging" and suffix["MaxLength"] == 20
    for good in ("dev", "eu-1", "a1-b2-c3"):
        assert re.fullmatch(suffix["AllowedPattern"], good), good
    for bad in ("a--b", "dev-", "-dev", "Dev", "dev_1"):
        assert not re.fullmatch(suffix["AllowedPattern"], bad), bad


def test_a_stateful_resource_is_kept_on_delete_and_replace_unless_it_says_otherwise() -> None:
    s = draft()
    s.stateful(Topic("Kept"))
    s.stateful(Topic("Snapshotted"), on_delete="Snapshot", on_replace="Snapshot")
    resources = built(s)["Resources"]
    assert resources["Kept"]["DeletionPolicy"] == RETAIN == resources["Kept"]["UpdateReplacePolicy"]
    assert resources["Snapshotted"]["DeletionPolicy"] == "Snapshot"


def test_a_log_group_with_a_generated_name_is_kept_and_one_with_a_fixed_name_is_deleted() -> None:
    s = draft()
    key = s.add(Key("EncryptionKey", KeyPolicy={}))
    s.log_group("Generated", key, "app")
    s.log_group("Fixed", key, "waf", name="aws-waf-logs-app")
    resources = built(s)["Resources"]
    assert resources["Generated"]["DeletionPolicy"] == "Retain"
    assert resources["Fixed"]["DeletionPolicy"] == "Delete"
    assert resources["Fixed"]["UpdateReplacePolicy"] == "Delete"
    for group in (resources["Generated"], resources["Fixed"]):
        assert group["Properties"]["KmsKeyId"] == {"Fn::GetAtt": ["EncryptionKey", "Arn"]}
        assert group["Properties"]["RetentionInDays"] == s.settings.log_retention_days


def test_each_skipped_check_is_recorded_with_its_reason() -> None:
    s = draft()
    topic = s.add(Topic("Topic"))
    s.skip_check(topic, "CKV_AWS_26", "encrypted with the environment's key")
    s.skip_check(topic, "CKV_AWS_999", "another reason")
    skips = built(s)["Resources"]["Topic"]["Metadata"]["checkov"]["skip"]
    assert [(k["id"], k["comment"]) for k in skips] == [
        ("CKV_AWS_26", "encrypted with the environment's key"),
        ("CKV_AWS_999", "another reason"),
    ]


def test_an_output_is_exported_under_the_stack_name() -> None:
    s = draft()
    s.output("TopicArn", Ref("Topic"), "the topic")
    output = built(s)["Outputs"]["TopicArn"]
    assert output["Export"] == {"Name": {"Fn::Sub": "${AWS::StackName}-TopicArn"}}


def test_a_secret_is_read_by_the_execution_role_only() -> None:
    needs = TaskNeeds()
    needs.read_secret("Database", "arn:secret", Ref("EncryptionKey"), {"DB": "arn:secret:pw::"})
    assert needs.secrets == {"DB": "arn:secret:pw::"}
    assert needs.task_statements == []
    sids = [s.Sid for s in needs.execution_statements]
    assert sids == ["ReadDatabase", "DecryptDatabase"]
