"""The phase-4 stack of dev on the emulator, beside the account baseline it needs (the
Config recorder, the trail), seen through the normal AWS APIs.

Each modelled type creates its resource in moto's own backend, so these tests ask the
service (RDS, ElastiCache, WAFv2, ...) and not CloudFormation. The stacks get an account of
their own: Config allows one recorder per account and Region, and names (trail, vault, web
ACL) are fixed per application and environment.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from appstack import config
from appstack.deploy import baseline, stacks
from appstack.deploy.session import Connection
from appstack.local import transforms
from conftest import synth
from deploy.recording import Recording
from emulator.accounts import Account

VPN = {"environments": {"dev": {"vpn": {"customer_gateway_ip": "203.0.113.10"}}}}


def deploy_phase_4(conn: Connection, name: str) -> stacks.Outcome:
    template, _ = transforms.for_emulator(synth(VPN, env="dev", phase=4))
    change_set, _ = stacks.plan(conn, name, stacks.current(conn, name), template)
    return stacks.apply(conn, change_set, template, production=False)


@pytest.fixture(scope="module")
def deployed(emulator_endpoint: str) -> tuple[Connection, stacks.Outcome]:
    conn = Account(emulator_endpoint, "eu-west-1").conn
    settings = config.parse({}).baseline
    assert baseline.deploy(conn, settings, Recording(), validate=False).ok
    return conn, deploy_phase_4(conn, "services")


@pytest.fixture(scope="module")
def conn(deployed: tuple[Connection, stacks.Outcome]) -> Connection:
    return deployed[0]


@pytest.fixture(scope="module")
def outputs(deployed: tuple[Connection, stacks.Outcome]) -> dict[str, str]:
    return deployed[1].outputs


def secret_json(conn: Connection, secret_id: str) -> dict[str, Any]:
    value = conn.client("secretsmanager").get_secret_value(SecretId=secret_id)
    document: dict[str, Any] = json.loads(value["SecretString"])
    return document


def test_the_phase_4_stack_is_created(deployed: tuple[Connection, stacks.Outcome]) -> None:
    assert deployed[1].status == "CREATE_COMPLETE"


def test_the_database_cluster_is_in_rds(conn: Connection, outputs: dict[str, str]) -> None:
    clusters = conn.client("rds").describe_db_clusters()["DBClusters"]
    assert [c["Endpoint"] for c in clusters] == [outputs["DatabaseEndpoint"]]


def test_the_database_cluster_has_its_instance(conn: Connection) -> None:
    cluster = conn.client("rds").describe_db_clusters()["DBClusters"][0]
    assert len(cluster["DBClusterMembers"]) == 1


def test_the_database_secret_holds_the_master_user_and_a_generated_password(
    conn: Connection, outputs: dict[str, str]
) -> None:
    document = secret_json(conn, outputs["DatabaseSecretArn"])
    assert document["username"] == "appadmin"
    assert len(document["password"]) >= 16


def test_the_database_secret_is_the_one_rds_manages_with_the_environments_key(
    conn: Connection, outputs: dict[str, str]
) -> None:
    [cluster] = conn.client("rds").describe_db_clusters()["DBClusters"]
    managed = cluster["MasterUserSecret"]
    assert managed["SecretArn"] == outputs["DatabaseSecretArn"]
    keys = conn.client("kms").list_keys()["Keys"]
    assert managed["KmsKeyId"] in [k["KeyArn"] for k in keys]


def test_the_database_secret_arn_is_an_arn(outputs: dict[str, str]) -> None:
    assert outputs["DatabaseSecretArn"].startswith("arn:aws:secretsmanager:eu-west-1:")


def test_every_secret_of_the_stack_has_a_value(conn: Connection) -> None:
    client = conn.client("secretsmanager")
    secrets = client.list_secrets()["SecretList"]
    values = [client.get_secret_value(SecretId=s["ARN"])["SecretString"] for s in secrets]
    assert len(values) == 3 and all(len(v) >= 32 for v in values)


def test_the_cache_replication_group_is_in_elasticache(
    conn: Connection, outputs: dict[str, str]
) -> None:
    groups = conn.client("elasticache").describe_replication_groups()["ReplicationGroups"]
    addresses = [g["NodeGroups"][0]["PrimaryEndpoint"]["Address"] for g in groups]
    assert addresses == [outputs["CacheEndpoint"].split(":")[0]]


def test_the_cache_uses_its_subnet_group(conn: Connection) -> None:
    client = conn.client("elasticache")
    subnet_groups = client.describe_cache_subnet_groups()["CacheSubnetGroups"]
    assert [len(g["Subnets"]) for g in subnet_groups] == [2]


def test_the_cache_has_an_auth_token(conn: Connection) -> None:
    group = conn.client("elasticache").describe_replication_groups()["ReplicationGroups"][0]
    assert group["AuthTokenEnabled"] is True


def test_a_secret_reference_resolves_to_the_value_or_one_json_key() -> None:
    from moto import mock_aws
    from moto.secretsmanager.models import secretsmanager_backends

    from appstack.local.models.fixes import resolve_secret_references

    with mock_aws():
        backend = secretsmanager_backends["123456789012"]["us-east-1"]
        answer = backend.create_secret(
            "db", '{"password": "p4ss"}', None, None, [], None, None, [], False
        )
        arn = json.loads(answer)["ARN"]
        resolved = resolve_secret_references(
            {"A": f"{{{{resolve:secretsmanager:{arn}:SecretString:password}}}}", "B": ["x"]},
            "123456789012",
            "us-east-1",
        )
    assert resolved == {"A": "p4ss", "B": ["x"]}


def test_the_web_acl_guards_the_load_balancer(conn: Connection, outputs: dict[str, str]) -> None:
    balancer = conn.client("elbv2").describe_load_balancers()["LoadBalancers"][0]
    found = conn.client("wafv2").get_web_acl_for_resource(ResourceArn=balancer["LoadBalancerArn"])
    assert found["WebACL"]["ARN"] == outputs["WebAclArn"]


def test_the_web_acl_has_its_four_rules(conn: Connection, outputs: dict[str, str]) -> None:
    name, acl_id = outputs["WebAclArn"].split("/")[-2:]
    acl = conn.client("wafv2").get_web_acl(Name=name, Id=acl_id, Scope="REGIONAL")["WebACL"]
    assert [r["Priority"] for r in acl["Rules"]] == [0, 1, 2, 3]


def test_the_web_acl_logs_to_its_log_group(conn: Connection, outputs: dict[str, str]) -> None:
    wafv2 = conn.client("wafv2")
    logging = wafv2.get_logging_configuration(ResourceArn=outputs["WebAclArn"])
    assert ":log-group:" in logging["LoggingConfiguration"]["LogDestinationConfigs"][0]


def test_config_records_every_supported_type(conn: Connection) -> None:
    recorders = conn.client("config").describe_configuration_recorders()["ConfigurationRecorders"]
    assert [r["recordingGroup"]["allSupported"] for r in recorders] == [True]


def test_config_is_recording(conn: Connection) -> None:
    status = conn.client("config").describe_configuration_recorder_status()
    assert [s["recording"] for s in status["ConfigurationRecordersStatus"]] == [True]


def test_config_delivers_to_its_bucket(conn: Connection) -> None:
    channels = conn.client("config").describe_delivery_channels()["DeliveryChannels"]
    assert len(channels) == 1 and "config" in channels[0]["s3BucketName"]


def test_config_has_the_environments_twelve_managed_rules_and_the_baselines_one(
    conn: Connection,
) -> None:
    rules = conn.client("config").describe_config_rules()["ConfigRules"]
    ours = [r for r in rules if r["ConfigRuleName"].startswith("services-")]
    assert len(ours) == 12 and len(rules) == 13


def test_the_trail_is_multi_region_and_logging(conn: Connection) -> None:
    client = conn.client("cloudtrail")
    trails = client.describe_trails()["trailList"]
    assert [t["IsMultiRegionTrail"] for t in trails] == [True]
    assert client.get_trail_status(Name=trails[0]["Name"])["IsLogging"] is True


def test_the_backup_vault_is_listed(conn: Connection, outputs: dict[str, str]) -> None:
    vaults = conn.client("backup").list_backup_vaults()["BackupVaultList"]
    assert [v["BackupVaultName"] for v in vaults] == [outputs["BackupVaultName"]]
    # Named after the backup role's unique ID: new with every creation (rule AS007).
    role_id = outputs["BackupVaultName"].removeprefix("myapp-bkp-")
    assert role_id.startswith("AROA")


def test_the_backup_plan_runs_daily_into_the_vault(
    conn: Connection, outputs: dict[str, str]
) -> None:
    client = conn.client("backup")
    plan_id = client.list_backup_plans()["BackupPlansList"][0]["BackupPlanId"]
    rules = client.get_backup_plan(BackupPlanId=plan_id)["BackupPlan"]["Rules"]
    assert [(r["RuleName"], r["TargetBackupVaultName"]) for r in rules] == [
        ("daily", outputs["BackupVaultName"])
    ]


def test_the_vpn_connects_the_customer_gateway(conn: Connection, outputs: dict[str, str]) -> None:
    ec2 = conn.client("ec2")
    connection = ec2.describe_vpn_connections(VpnConnectionIds=[outputs["VpnConnectionId"]])
    gateway_id = connection["VpnConnections"][0]["CustomerGatewayId"]
    gateway = ec2.describe_customer_gateways(CustomerGatewayIds=[gateway_id])
    assert gateway["CustomerGateways"][0]["IpAddress"] == "203.0.113.10"


def test_the_vpn_ends_at_the_stack_vpn_gateway(conn: Connection, outputs: dict[str, str]) -> None:
    ec2 = conn.client("ec2")
    connection = ec2.describe_vpn_connections(VpnConnectionIds=[outputs["VpnConnectionId"]])
    assert connection["VpnConnections"][0]["VpnGatewayId"] == outputs["VpnGatewayId"]


def test_the_service_scales_between_one_and_two_tasks(
    conn: Connection, outputs: dict[str, str]
) -> None:
    client = conn.client("application-autoscaling")
    targets = client.describe_scalable_targets(ServiceNamespace="ecs")["ScalableTargets"]
    assert [
        (t["ResourceId"].split("/")[-1], t["MinCapacity"], t["MaxCapacity"]) for t in targets
    ] == [(outputs["ServiceName"], 1, 2)]


def test_the_service_scales_on_cpu(conn: Connection) -> None:
    client = conn.client("application-autoscaling")
    policies = client.describe_scaling_policies(ServiceNamespace="ecs")["ScalingPolicies"]
    tracking = policies[0]["TargetTrackingScalingPolicyConfiguration"]
    assert tracking["TargetValue"] == 60.0


def test_the_insights_resource_group_selects_the_stack(conn: Connection) -> None:
    client = conn.client("resource-groups")
    names = [g["GroupName"] for g in client.list_groups()["GroupIdentifiers"]]
    assert names == ["insights-myapp-dev"]
    query = client.get_group_query(Group="insights-myapp-dev")["GroupQuery"]["ResourceQuery"]
    assert "services" in json.loads(query["Query"])["StackIdentifier"]


CERTIFICATE = "arn:aws:acm:us-west-1:123456789012:certificate/abc"


def every_type_appstack_emits() -> set[str]:
    """Types of every env x phase, and of the variants that add types (HTTPS, static VPN)."""
    every = {
        "environments": {
            e: {"vpn": {"customer_gateway_ip": "203.0.113.10"}} for e in ("dev", "staging", "prod")
        }
    }
    found = {
        r["Type"]
        for e in ("dev", "staging", "prod")
        for p in range(1, 5)
        for r in synth(every, env=e, phase=p)["Resources"].values()
    }
    return found | {r["Type"] for r in variant()["Resources"].values()}


def variant(certificate_arn: str = CERTIFICATE) -> dict[str, Any]:
    settings = {
        "certificate_arn": certificate_arn,
        "vpn": {
            "customer_gateway_ip": "203.0.113.10",
            "static_routes": True,
            "on_premise_cidrs": ["192.168.0.0/16"],
        },
    }
    return synth({"region": "us-west-1", "environments": {"prod": settings}}, env="prod", phase=4)


def test_every_type_appstack_can_emit_deploys_on_the_emulator(emulator_endpoint: str) -> None:
    conn = Connection("us-west-1", endpoint=emulator_endpoint)
    # The HTTPS listener needs a certificate that exists.
    arn = conn.client("acm").request_certificate(DomainName="app.example.com")["CertificateArn"]
    template, _ = transforms.for_emulator(variant(arn))
    assert {r["Type"] for r in template["Resources"].values()} == every_type_appstack_emits()
    change_set, _ = stacks.plan(conn, "every-type", None, template)
    outcome = stacks.apply(conn, change_set, template, production=False)
    assert outcome.ok, outcome.failure
    # Every page: DescribeStackResources answers the first 100 resources only (EM307).
    pages = conn.client("cloudformation").get_paginator("list_stack_resources")
    deployed = {
        r["ResourceType"]
        for page in pages.paginate(StackName="every-type")
        for r in page["StackResourceSummaries"]
    }
    assert deployed == every_type_appstack_emits()
