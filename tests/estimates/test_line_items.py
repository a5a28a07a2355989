"""Line items: what each resource of a template costs, counted from the template."""

from __future__ import annotations

import json
from typing import Any

import pytest

from estimates.test_cost import AURORA, HOURS, estimate, line


def test_nat_gateways_are_priced_per_hour_and_per_gb_with_their_public_ips() -> None:
    result = estimate(
        {
            "Nat1": {"Type": "AWS::EC2::NatGateway"},
            "Nat2": {"Type": "AWS::EC2::NatGateway"},
            "Eip1": {"Type": "AWS::EC2::EIP"},
            "Eip2": {"Type": "AWS::EC2::EIP"},
        },
        usage={"nat_gb": 100},
    )
    assert line(result, "nat_gateway_hour").monthly == pytest.approx(2 * HOURS * 0.045)
    assert line(result, "nat_gateway_gb").monthly == pytest.approx(100 * 0.045)
    assert line(result, "public_ipv4_hour").monthly == pytest.approx(2 * HOURS * 0.005)


def test_an_internet_facing_load_balancer_pays_hours_capacity_and_one_ip_per_zone() -> None:
    result = estimate(
        {
            "Lb": {
                "Type": "AWS::ElasticLoadBalancingV2::LoadBalancer",
                "Properties": {"Scheme": "internet-facing", "Subnets": ["a", "b", "c"]},
            }
        },
        usage={"alb_lcu": 2},
    )
    assert line(result, "alb_hour").monthly == pytest.approx(HOURS * 0.0225)
    assert line(result, "alb_lcu_hour").monthly == pytest.approx(2 * HOURS * 0.008)
    assert line(result, "public_ipv4_hour").quantity == 3 * HOURS


def test_an_internal_load_balancer_has_no_public_ips() -> None:
    result = estimate(
        {
            "Lb": {
                "Type": "AWS::ElasticLoadBalancingV2::LoadBalancer",
                "Properties": {"Scheme": "internal", "Subnets": ["a", "b"]},
            }
        }
    )
    assert not [i for i in result.items if i.price_key == "public_ipv4_hour"]


def _service(arch: str, count: int = 2) -> dict[str, Any]:
    return {
        "Task": {
            "Type": "AWS::ECS::TaskDefinition",
            "Properties": {
                "Cpu": "512",
                "Memory": "1024",
                "RuntimePlatform": {"CpuArchitecture": arch, "OperatingSystemFamily": "LINUX"},
            },
        },
        "Svc": {
            "Type": "AWS::ECS::Service",
            "Properties": {"TaskDefinition": {"Ref": "Task"}, "DesiredCount": count},
        },
    }


def test_fargate_is_priced_per_vcpu_and_gb_hour_of_the_running_tasks() -> None:
    result = estimate(_service("X86_64"))
    assert line(result, "fargate_x86_vcpu_hour").monthly == pytest.approx(2 * 0.5 * HOURS * 0.04048)
    assert line(result, "fargate_x86_gb_hour").monthly == pytest.approx(2 * 1 * HOURS * 0.004445)


def test_arm_tasks_use_the_graviton_prices() -> None:
    result = estimate(_service("ARM64"))
    assert line(result, "fargate_arm_vcpu_hour").monthly == pytest.approx(2 * 0.5 * HOURS * 0.03238)
    assert not [h for h in result.hints if "ARM64" in h.message]


def test_on_demand_table_pays_requests_storage_and_point_in_time_recovery() -> None:
    result = estimate(
        {
            "T": {
                "Type": "AWS::DynamoDB::Table",
                "Properties": {
                    "BillingMode": "PAY_PER_REQUEST",
                    "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True},
                },
            }
        },
        usage={"table_writes_million": 50, "table_reads_million": 200, "table_gb": 20},
    )
    assert line(result, "dynamodb_wru_million").monthly == pytest.approx(31.25)
    assert line(result, "dynamodb_rru_million").monthly == pytest.approx(25.0)
    assert line(result, "dynamodb_storage_gb_month").monthly == pytest.approx(5.0)
    assert line(result, "dynamodb_pitr_gb_month").monthly == pytest.approx(4.0)


def test_aurora_serverless_pays_acu_hours_per_instance_at_the_minimum_by_default() -> None:
    result = estimate(AURORA)
    acu = line(result, "aurora_sv2_acu_hour")
    assert acu.quantity == 2 * 0.5 * HOURS  # writer + reader
    assert acu.monthly == pytest.approx(87.60)
    assert line(result, "aurora_storage_gb_month").monthly == pytest.approx(10 * 0.10)
    assert line(result, "aurora_io_million").monthly == pytest.approx(10 * 0.20)


def test_aurora_average_capacity_comes_from_usage_when_set() -> None:
    result = estimate(AURORA, usage={"database_acu": 2})
    assert line(result, "aurora_sv2_acu_hour").monthly == pytest.approx(2 * 2 * HOURS * 0.12)


def test_io_optimized_aurora_has_no_io_charge_and_its_own_rates() -> None:
    resources = json.loads(json.dumps(AURORA))
    resources["Db"]["Properties"]["StorageType"] = "aurora-iopt1"
    result = estimate(resources)
    assert line(result, "aurora_sv2_acu_hour_io_optimized").unit_price == 0.156
    assert not [i for i in result.items if i.price_key == "aurora_io_million"]


def test_cache_nodes_are_counted_from_the_replication_group() -> None:
    result = estimate(
        {
            "Cache": {
                "Type": "AWS::ElastiCache::ReplicationGroup",
                "Properties": {
                    "CacheNodeType": "cache.t4g.small",
                    "NumCacheClusters": 2,
                    "Engine": "redis",
                },
            }
        }
    )
    node = line(result, "elasticache_node_hour:cache.t4g.small")
    assert node.quantity == 2 * HOURS and node.monthly == pytest.approx(46.72)
    assert any("Valkey" in h.message for h in result.hints)


def test_valkey_nodes_cost_the_valkey_share_of_redis() -> None:
    result = estimate(
        {
            "Cache": {
                "Type": "AWS::ElastiCache::ReplicationGroup",
                "Properties": {
                    "CacheNodeType": "cache.t4g.small",
                    "NumCacheClusters": 2,
                    "Engine": "valkey",
                },
            }
        }
    )
    assert line(result, "elasticache_node_hour:cache.t4g.small").monthly == pytest.approx(
        46.72 * 0.8
    )


def test_a_node_type_without_a_price_is_shown_as_missing_not_as_free_silently() -> None:
    result = estimate(
        {
            "Cache": {
                "Type": "AWS::ElastiCache::ReplicationGroup",
                "Properties": {"CacheNodeType": "cache.m7g.xlarge", "NumCacheClusters": 1},
            }
        }
    )
    missing = line(result, "elasticache_node_hour:cache.m7g.xlarge")
    assert missing.status == "missing" and "add it" in missing.note


def test_waf_pays_the_acl_each_rule_and_the_requests() -> None:
    result = estimate(
        {
            "Acl": {
                "Type": "AWS::WAFv2::WebACL",
                "Properties": {"Rules": [{"Name": "rate"}, {"Name": "common"}]},
            }
        },
        usage={"requests_million": 10},
    )
    firewall = result.by_capability()["firewall"]
    assert firewall == pytest.approx(5 + 2 * 1 + 10 * 0.60)


def test_a_vpn_connection_is_priced_per_hour() -> None:
    result = estimate({"Vpn": {"Type": "AWS::EC2::VPNConnection"}})
    assert line(result, "vpn_connection_hour").monthly == pytest.approx(36.50)


def test_config_pays_items_when_it_records_and_evaluations_per_rule() -> None:
    result = estimate(
        {
            "Recorder": {"Type": "AWS::Config::ConfigurationRecorder"},
            "R1": {"Type": "AWS::Config::ConfigRule"},
            "R2": {"Type": "AWS::Config::ConfigRule"},
        }
    )
    assert line(result, "config_ci").monthly == pytest.approx(5000 * 0.003)
    assert line(result, "config_rule_eval").monthly == pytest.approx(2 * 2000 * 0.001)


def test_config_rules_without_a_recorder_of_ours_pay_only_evaluations() -> None:
    result = estimate({"R1": {"Type": "AWS::Config::ConfigRule"}})
    assert not [i for i in result.items if i.price_key == "config_ci"]


def test_the_first_trail_records_management_events_free_and_pays_for_s3() -> None:
    result = estimate({"Trail": {"Type": "AWS::CloudTrail::Trail"}})
    assert line(result, "cloudtrail_mgmt_first_copy").monthly == 0
    assert line(result, "s3_standard_gb_month").monthly == pytest.approx(0.023)
    assert not [i for i in result.items if i.price_key == "cloudtrail_data_events_100k"]


def test_trail_data_events_are_priced_per_100k() -> None:
    result = estimate(
        {
            "Trail": {
                "Type": "AWS::CloudTrail::Trail",
                "Properties": {
                    "EventSelectors": [{"DataResources": [{"Type": "AWS::S3::Object"}]}]
                },
            }
        },
        usage={"trail_data_events_million": 2},
    )
    assert line(result, "cloudtrail_data_events_100k").monthly == pytest.approx(20 * 0.10)


def test_secrets_pay_per_secret_and_per_10k_calls() -> None:
    result = estimate(
        {
            "S1": {"Type": "AWS::SecretsManager::Secret"},
            "S2": {"Type": "AWS::SecretsManager::Secret"},
            "Rotation": {"Type": "AWS::SecretsManager::RotationSchedule"},
        }
    )
    assert line(result, "secrets_secret_month").monthly == pytest.approx(0.80)
    assert line(result, "secrets_api_10k").monthly == pytest.approx(0.05)
    assert "1 rotated" in line(result, "secrets_secret_month").item


def test_a_cluster_with_an_rds_managed_password_pays_for_its_secret() -> None:
    # RDS keeps the managed master password in a Secrets Manager secret of its own, billed
    # per secret (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/rds-secrets-manager.html).
    result = estimate(
        {
            "Cluster": {
                "Type": "AWS::RDS::DBCluster",
                "Properties": {"ManageMasterUserPassword": True},
            }
        }
    )
    assert line(result, "secrets_secret_month").monthly == pytest.approx(0.40)
    assert "1 rotated" in line(result, "secrets_secret_month").item


def test_xray_counts_only_traces_beyond_the_free_100k() -> None:
    result = estimate({"Rule": {"Type": "AWS::XRay::SamplingRule"}})
    assert line(result, "xray_recorded_million").monthly == pytest.approx(0.9 * 5.0)


def test_application_insights_has_no_fee_of_its_own() -> None:
    result = estimate({"App": {"Type": "AWS::ApplicationInsights::Application"}})
    assert result.by_capability() == {"insights": 0.0}


def test_backup_storage_is_priced_per_gb_month() -> None:
    result = estimate({"Plan": {"Type": "AWS::Backup::BackupPlan"}})
    assert line(result, "backup_dynamodb_warm_gb_month").monthly == pytest.approx(50 * 0.10)


def test_logs_alarms_and_keys_are_counted_from_the_template() -> None:
    result = estimate(
        {
            "L1": {"Type": "AWS::Logs::LogGroup"},
            "A1": {"Type": "AWS::CloudWatch::Alarm"},
            "A2": {"Type": "AWS::CloudWatch::Alarm"},
            "A3": {"Type": "AWS::CloudWatch::Alarm"},
            "K1": {"Type": "AWS::KMS::Key"},
            "K2": {"Type": "AWS::KMS::Key"},
        }
    )
    assert line(result, "cw_logs_ingest_gb").monthly == pytest.approx(5 * 0.50)
    assert line(result, "cw_logs_storage_gb_month").quantity == pytest.approx(5 * 14 / 30)
    assert line(result, "cw_alarm_month").monthly == pytest.approx(0.30)
    assert line(result, "kms_key_month").monthly == pytest.approx(2.0)
