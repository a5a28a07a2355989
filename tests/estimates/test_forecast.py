"""Deploy-time forecast: the longest weighted path through the dependency graph, in linear time."""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from typing import Any

import pytest

from appstack.estimates import forecast
from appstack.estimates.forecast import DependencyCycle, Durations
from conftest import Template

#: A made-up duration table so the arithmetic in these tests is easy to follow.
TABLE = Durations(
    default={"create": 1, "update": 1, "delete": 1},
    by_type={
        "Slow": {"create": 600, "update": 100, "delete": 60},
        "Mid": {"create": 100, "update": 10, "delete": 5},
        "Fast": {"create": 10, "update": 1, "delete": 1},
    },
    slow_seconds=120,
    source="test",
)


def res(kind: str, props: Any = None, depends_on: Any = None) -> dict[str, Any]:
    resource: dict[str, Any] = {"Type": kind}
    if props is not None:
        resource["Properties"] = props
    if depends_on is not None:
        resource["DependsOn"] = depends_on
    return resource


def run(resources: dict[str, Any], previous: dict[str, Any] | None = None) -> forecast.Forecast:
    old = {"Resources": previous} if previous is not None else None
    return forecast.forecast({"Resources": resources}, old, TABLE)


def test_independent_resources_are_created_in_parallel() -> None:
    result = run({"A": res("Mid"), "B": res("Fast"), "C": res("Slow")})
    assert result.total == 600
    assert [s.logical_id for s in result.critical_path] == ["C"]


def test_a_chain_adds_up_and_the_path_names_each_resource_with_its_start() -> None:
    result = run(
        {
            "A": res("Mid"),
            "B": res("Fast", {"Vpc": {"Ref": "A"}}),
            "C": res("Mid", {"Arn": {"Fn::GetAtt": ["B", "Arn"]}}),
        }
    )
    assert result.total == 210
    assert [(s.logical_id, s.start, s.finish) for s in result.critical_path] == [
        ("A", 0, 100),
        ("B", 100, 110),
        ("C", 110, 210),
    ]


def test_the_heaviest_branch_wins_as_in_rains_example() -> None:
    # A:2 B:4 C:1 D:6 E:8 F:2 G:1; A->B, A->C, C->D, E->C, F->G: D-C-E = 15 s.
    table = Durations(
        default={"create": 0, "update": 0, "delete": 0},
        by_type={
            k: {"create": v, "update": 0, "delete": 0}
            for k, v in {"A": 2, "B": 4, "C": 1, "D": 6, "E": 8, "F": 2, "G": 1}.items()
        },
        slow_seconds=120,
        source="test",
    )
    template = {
        "Resources": {
            "A": {"Type": "A", "DependsOn": ["B", "C"]},
            "B": {"Type": "B"},
            "C": {"Type": "C", "DependsOn": "D"},
            "D": {"Type": "D"},
            "E": {"Type": "E", "DependsOn": "C"},
            "F": {"Type": "F", "DependsOn": "G"},
            "G": {"Type": "G"},
        }
    }
    result = forecast.forecast(template, None, table)
    assert result.total == 15
    assert [s.logical_id for s in result.critical_path] == ["D", "C", "E"]


def test_sub_references_count_including_attributes_but_not_pseudo_parameters_or_literals() -> None:
    deps = forecast.dependencies(
        {
            "Parameters": {"Env": {"Type": "String"}},
            "Resources": {
                "A": res("Mid"),
                "B": res("Mid"),
                "C": res(
                    "Fast",
                    {
                        "Name": {"Fn::Sub": "${AWS::StackName}-${A}-${B.Arn}-${!Literal}-${Env}"},
                        "Other": {"Fn::Sub": ["${X}", {"X": {"Ref": "A"}}]},
                    },
                ),
            },
        }
    )
    assert deps["C"] == {"A": "data", "B": "data"}


def test_getatt_in_dotted_form_and_depends_on_as_a_string_are_edges() -> None:
    deps = forecast.dependencies(
        {
            "Resources": {
                "A": res("Mid"),
                "B": res("Mid"),
                "C": res("Fast", {"X": {"Fn::GetAtt": "A.Arn"}}, depends_on="B"),
            }
        }
    )
    assert deps["C"] == {"A": "data", "B": "order"}


def test_a_60_layer_diamond_lattice_is_walked_once_not_per_path() -> None:
    # Each layer has two nodes that both depend on both nodes of the layer below:
    # 2**60 paths, which an exhaustive walk could never finish.
    resources: dict[str, Any] = {"L0a": res("Fast"), "L0b": res("Fast")}
    for layer in range(1, 60):
        below = [f"L{layer - 1}a", f"L{layer - 1}b"]
        for side in "ab":
            resources[f"L{layer}{side}"] = res("Fast", {"X": [{"Ref": b} for b in below]})
    result = run(resources)
    assert result.total == 60 * 10
    assert len(result.critical_path) == 60


def test_a_cycle_is_reported_with_the_resources_in_it() -> None:
    with pytest.raises(DependencyCycle) as caught:
        run(
            {
                "A": res("Fast", {"X": {"Ref": "C"}}),
                "B": res("Fast", {"X": {"Ref": "A"}}),
                "C": res("Fast", depends_on=["B"]),
                "D": res("Fast"),
            }
        )
    assert sorted(caught.value.cycle) == ["A", "B", "C"]
    assert "dependency cycle" in str(caught.value) and "D" not in caught.value.cycle


@pytest.mark.parametrize(
    "resource",
    [res("Fast", depends_on="A"), res("Fast", {"Name": {"Fn::Sub": "${A.Arn}"}})],
)
def test_a_resource_that_names_itself_is_a_cycle(resource: dict[str, Any]) -> None:
    with pytest.raises(DependencyCycle) as caught:
        run({"A": resource})
    assert caught.value.cycle == ["A"]


def test_the_floor_ignores_depends_on_and_a_needless_wait_is_flagged() -> None:
    result = run(
        {
            "Database": res("Slow"),
            "Role": res("Fast"),
            "Service": res("Mid", {"Role": {"Ref": "Role"}}, depends_on=["Database"]),
        }
    )
    assert result.total == 700
    assert result.floor == 600  # the database alone; the service need not wait for it
    (wait,) = result.needless_waits
    assert (wait.waiter, wait.waits_on, wait.delay) == ("Service", "Database", 590)


def test_using_the_slow_resource_is_not_a_needless_wait() -> None:
    result = run(
        {
            "Database": res("Slow"),
            "Service": res("Mid", {"Host": {"Fn::GetAtt": ["Database", "Endpoint.Address"]}}),
        }
    )
    assert result.needless_waits == ()
    assert result.floor == result.total == 700


def test_an_update_counts_only_added_and_changed_resources() -> None:
    before = {"A": res("Slow"), "B": res("Mid", {"X": {"Ref": "A"}}, None)}
    after = {
        "A": res("Slow"),
        "B": res("Mid", {"X": {"Ref": "A"}, "Y": 1}),
        "C": res("Fast", {"X": {"Ref": "B"}}),
    }
    result = run(after, previous=before)
    assert result.action == "update"
    assert result.total == 10 + 10  # B updates (10), C is created (10); A is unchanged
    assert result.counted == 2


def test_an_update_adds_the_deletion_of_removed_resources() -> None:
    result = run({"A": res("Fast")}, previous={"A": res("Fast"), "Old": res("Slow")})
    assert result.cleanup == 60 and result.total == 60


def test_unknown_types_use_the_default_and_are_listed() -> None:
    result = run({"A": res("AWS::New::Thing")})
    assert result.total == 1 and result.unknown_types == ("AWS::New::Thing",)


def test_the_duration_table_names_its_source_and_covers_every_phase_1_type(
    dev: Template,
) -> None:
    table = forecast.load_durations()
    assert "rain" in table.source
    assert {r["Type"] for r in dev["Resources"].values()} <= set(table.by_type)


@pytest.mark.parametrize(
    "resource_type",
    [
        "AWS::RDS::DBCluster",
        "AWS::RDS::DBInstance",
        "AWS::ElastiCache::ReplicationGroup",
        "AWS::WAFv2::WebACL",
        "AWS::EC2::VPNConnection",
        "AWS::Config::ConfigurationRecorder",
        "AWS::Config::ConfigRule",
        "AWS::CloudTrail::Trail",
        "AWS::SecretsManager::Secret",
        "AWS::SecretsManager::RotationSchedule",
        "AWS::Backup::BackupPlan",
        "AWS::XRay::SamplingRule",
        "AWS::ApplicationInsights::Application",
    ],
)
def test_later_phase_types_have_durations(resource_type: str) -> None:
    assert forecast.load_durations().known(resource_type)


def test_the_phase_1_critical_path_runs_through_the_load_balancer_and_the_service(
    prod: Template,
) -> None:
    result = forecast.forecast(prod)
    path = [s.logical_id for s in result.critical_path]
    assert path == [
        "AccessLogBucket",
        "AccessLogBucketPolicy",
        "LoadBalancer",
        "HttpListener",
        "Service",
        "ServiceScalableTarget",
        "ServiceCpuScalingPolicy",
    ]
    assert result.total == 282
    assert result.floor <= result.total and result.needless_waits == ()
    steps = result.critical_path
    assert all(a.finish == b.start for a, b in itertools.pairwise(steps))


def test_an_unchanged_template_updates_in_no_time(
    build_template: Callable[..., Template],
) -> None:
    template = build_template("dev")
    result = forecast.forecast(template, json.loads(json.dumps(template)))
    assert result.total == 0 and result.counted == 0 and result.critical_path == ()
