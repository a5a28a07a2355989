"""Cache: ElastiCache in the private subnets, encrypted, token-protected, snapshotted on removal."""

from __future__ import annotations

import re
from typing import Any

import pytest

from appstack.blueprint.cache import cache_facts
from appstack.checks.lint import run_cfn_lint
from conftest import Template, of_type, props, refs, synth


def with_cache(env: str = "dev", **cache: Any) -> dict[str, Any]:
    return {"environments": {env: {"features": {"cache": True}, "cache": cache}}}


@pytest.fixture(scope="module")
def dev_cache() -> Template:
    return synth(with_cache())


@pytest.fixture(scope="module")
def prod_cache() -> Template:
    return synth(with_cache("prod"), env="prod")


def container(template: Template) -> dict[str, Any]:
    app: dict[str, Any] = props(template, "TaskDefinition")["ContainerDefinitions"][0]
    return app


def test_the_cache_takes_engine_node_type_and_count_from_the_settings(
    dev_cache: Template, prod_cache: Template
) -> None:
    dev = props(dev_cache, "Cache")
    assert (dev["Engine"], dev["CacheNodeType"], dev["NumCacheClusters"]) == (
        "redis",
        "cache.t4g.micro",
        1,
    )
    prod = props(prod_cache, "Cache")
    assert (prod["CacheNodeType"], prod["NumCacheClusters"]) == ("cache.t4g.small", 2)


@pytest.mark.parametrize(("engine", "version"), [("redis", "7.1"), ("valkey", "8.1")])
def test_each_engine_gets_a_version_that_engine_has(engine: str, version: str) -> None:
    # Redis OSS stops at 7.1 on ElastiCache; Valkey starts at 7.2.
    cache = props(synth(with_cache(engine=engine)), "Cache")
    assert (cache["Engine"], cache["EngineVersion"]) == (engine, version)


def test_valkey_is_cfn_lint_clean_in_prod() -> None:
    template = synth(with_cache("prod", engine="valkey"), env="prod")
    assert run_cfn_lint(template, ["us-east-1"]) == []


def test_prod_fails_over_to_a_replica_in_the_other_az(
    dev_cache: Template, prod_cache: Template
) -> None:
    prod = props(prod_cache, "Cache")
    assert prod["MultiAZEnabled"] is True and prod["AutomaticFailoverEnabled"] is True
    # A single node has nothing to fail over to: AWS refuses Multi-AZ with one node.
    dev = props(dev_cache, "Cache")
    assert dev["MultiAZEnabled"] is False and dev["AutomaticFailoverEnabled"] is False


def test_the_cache_lives_in_the_private_subnets(dev_cache: Template) -> None:
    group = props(dev_cache, "CacheSubnetGroup")
    assert refs(group["SubnetIds"]) == {"PrivateSubnet1", "PrivateSubnet2"}
    assert props(dev_cache, "Cache")["CacheSubnetGroupName"] == {"Ref": "CacheSubnetGroup"}


def test_the_cache_is_encrypted_at_rest_with_the_environments_key_and_in_transit(
    dev_cache: Template,
) -> None:
    cache = props(dev_cache, "Cache")
    assert cache["AtRestEncryptionEnabled"] is True
    assert refs(cache["KmsKeyId"]) == {"EncryptionKey"}
    # AuthToken is accepted only with in-transit encryption.
    assert cache["TransitEncryptionEnabled"] is True


def test_the_auth_token_comes_from_a_generated_encrypted_secret(dev_cache: Template) -> None:
    secret = props(dev_cache, "CacheAuthSecret")
    assert refs(secret["KmsKeyId"]) == {"EncryptionKey"}
    token = props(dev_cache, "Cache")["AuthToken"]
    # A dynamic reference: the token never appears in the template.
    assert token == {"Fn::Sub": "{{resolve:secretsmanager:${CacheAuthSecret}:SecretString}}"}


def test_the_generated_token_meets_elasticaches_auth_token_rules(dev_cache: Template) -> None:
    rules = cache_facts()["auth_token"]
    generate = props(dev_cache, "CacheAuthSecret")["GenerateSecretString"]
    assert rules["min_length"] <= generate["PasswordLength"] <= rules["max_length"]
    # Secrets Manager's punctuation includes characters ElastiCache refuses (@, ", /, %).
    assert generate["ExcludePunctuation"] is True
    # Plain secret string: no JSON template, so SecretString is the token itself.
    assert "SecretStringTemplate" not in generate


def test_only_the_tasks_reach_the_cache(dev_cache: Template) -> None:
    group = props(dev_cache, "CacheSecurityGroup")
    [ingress] = group["SecurityGroupIngress"]
    assert ingress["SourceSecurityGroupId"] == {"Ref": "TaskSecurityGroup"}
    assert (ingress["IpProtocol"], ingress["FromPort"], ingress["ToPort"]) == ("tcp", 6379, 6379)
    assert "CidrIp" not in ingress
    assert props(dev_cache, "Cache")["SecurityGroupIds"] == [{"Ref": "CacheSecurityGroup"}]
    [egress] = group["SecurityGroupEgress"]
    assert egress["CidrIp"] == "255.255.255.255/32"  # matches nothing: no outbound traffic


def test_the_tasks_may_reach_the_cache_port(dev_cache: Template) -> None:
    egress = [
        r["Properties"]
        for r in of_type(dev_cache, "AWS::EC2::SecurityGroupEgress").values()
        if r["Properties"]["GroupId"] == {"Ref": "TaskSecurityGroup"}
    ]
    assert [(e["FromPort"], e["DestinationSecurityGroupId"]) for e in egress] == [
        (6379, {"Ref": "CacheSecurityGroup"})
    ]


def test_the_cache_keeps_a_snapshot_when_removed_or_replaced(dev_cache: Template) -> None:
    cache = dev_cache["Resources"]["Cache"]
    assert cache["DeletionPolicy"] == "Snapshot" and cache["UpdateReplacePolicy"] == "Snapshot"
    assert "ReplicationGroupId" not in cache["Properties"]  # a replacement cannot clash


def test_the_token_secret_is_kept(dev_cache: Template) -> None:
    secret = dev_cache["Resources"]["CacheAuthSecret"]
    assert secret["DeletionPolicy"] == "Retain" and secret["UpdateReplacePolicy"] == "Retain"


def test_prod_keeps_daily_snapshots_for_a_week(dev_cache: Template, prod_cache: Template) -> None:
    assert props(prod_cache, "Cache")["SnapshotRetentionLimit"] == 7
    assert props(dev_cache, "Cache")["SnapshotRetentionLimit"] >= 1


def test_the_task_gets_the_endpoint_and_the_token(dev_cache: Template) -> None:
    app = container(dev_cache)
    env = {e["Name"]: e["Value"] for e in app["Environment"]}
    assert env["CACHE_HOST"] == {"Fn::GetAtt": ["Cache", "PrimaryEndPoint.Address"]}
    assert env["CACHE_PORT"] == {"Fn::GetAtt": ["Cache", "PrimaryEndPoint.Port"]}
    assert env["CACHE_TLS"] == "true"
    secrets = {s["Name"]: s["ValueFrom"] for s in app["Secrets"]}
    assert secrets == {"CACHE_AUTH_TOKEN": {"Ref": "CacheAuthSecret"}}
    assert not any(re.search("resolve", str(v)) for v in env.values())


def test_the_execution_role_may_read_and_decrypt_only_the_token(dev_cache: Template) -> None:
    [policy] = props(dev_cache, "TaskExecutionRole")["Policies"]
    statements = {s["Sid"]: s for s in policy["PolicyDocument"]["Statement"]}
    read = statements["ReadTheCacheAuthToken"]
    assert read["Action"] == ["secretsmanager:GetSecretValue"]
    assert read["Resource"] == [{"Ref": "CacheAuthSecret"}]
    decrypt = statements["DecryptTheCacheAuthToken"]
    assert decrypt["Action"] == ["kms:Decrypt"]
    assert refs(decrypt["Resource"]) == {"EncryptionKey"}


def test_the_endpoint_is_an_output(dev_cache: Template) -> None:
    output = dev_cache["Outputs"]["CacheEndpoint"]
    assert output["Value"] == {"Fn::GetAtt": ["Cache", "PrimaryEndPoint.Address"]}


def test_the_service_does_not_wait_on_the_cache_beyond_its_task_definition(
    dev_cache: Template,
) -> None:
    assert "Cache" not in dev_cache["Resources"]["Service"]["DependsOn"]


def test_without_the_feature_there_is_no_cache(dev: Template) -> None:
    assert of_type(dev, "AWS::ElastiCache::ReplicationGroup") == {}
    assert "Secrets" not in container(dev)
