"""Tracing: AWS X-Ray, through a daemon sidecar in the application's task.

The application's X-Ray SDK sends segments over UDP to the daemon at 127.0.0.1:2000; the
daemon batches them to the X-Ray API with the task role. A sampling rule for this service
decides how many requests are traced.

AWS ends support for the X-Ray SDKs and daemon on 2027-02-25 (X-Ray developer guide,
"Running the X-Ray daemon on Amazon ECS") and recommends OpenTelemetry instead.

No security group rule for UDP 2000: in awsvpc mode the containers of a task share one
network namespace, so the application reaches the sidecar on localhost, never through the
VPC.
"""

from __future__ import annotations

from awacs.aws import Action, Allow, Statement
from troposphere import Join, Select, Split, StackId, Sub
from troposphere.ecs import ContainerDefinition
from troposphere.xray import SamplingRule, SamplingRuleProperty

from appstack.blueprint.draft import Draft

DAEMON_NAME = "xray-daemon"
#: AWS's X-Ray daemon image on the public ECR gallery, pinned to a release: `:latest` would
#: change the sidecar under a running service at any task start, untested. 3.6.6 is the
#: release of 2026-07-14 (github.com/aws/aws-xray-daemon CHANGELOG); raise it on purpose.
DAEMON_VERSION = "3.6.6"
DAEMON_IMAGE = f"public.ecr.aws/xray/aws-xray-daemon:{DAEMON_VERSION}"
DAEMON_ADDRESS = "127.0.0.1:2000"
#: Reservation AWS suggests for the daemon in an ECS task (cpu units, MiB).
DAEMON_CPU = 32
DAEMON_MEMORY = 256

#: What the daemon calls. No X-Ray write action supports resource-level permissions
#: (Service Authorization Reference, AWS X-Ray), so Resource must be "*".
DAEMON_ACTIONS = (
    "PutTraceSegments",
    "PutTelemetryRecords",
    "GetSamplingRules",
    "GetSamplingTargets",
    "GetSamplingStatisticSummaries",
)

#: Trace the first request each second and 5% of the rest.
RESERVOIR_SIZE = 1
FIXED_RATE = 0.05
#: Before X-Ray's Default rule (10000); 1 to 9999, lower wins.
PRIORITY = 1000


def build(draft: Draft) -> SamplingRule:
    # The SDKs name their segments after AWS_XRAY_TRACING_NAME; the rule matches that name.
    service_name = Sub("${ApplicationName}-${EnvironmentSuffix}")
    needs = draft.needs
    needs.sidecars.append(
        ContainerDefinition(
            Name=DAEMON_NAME,
            Image=DAEMON_IMAGE,
            # Traces are not worth stopping the application for.
            Essential=False,
            Cpu=DAEMON_CPU,
            MemoryReservation=DAEMON_MEMORY,
            # Logs go to the application's log group (the service adds them to every sidecar).
        )
    )
    needs.environment["AWS_XRAY_DAEMON_ADDRESS"] = DAEMON_ADDRESS
    needs.environment["AWS_XRAY_TRACING_NAME"] = service_name
    needs.task_statements.append(
        Statement(
            Sid="SendTracesToXRay",
            Effect=Allow,
            Action=[Action("xray", a) for a in DAEMON_ACTIONS],
            Resource=["*"],
        )
    )

    return draft.add(
        SamplingRule(
            "SamplingRule",
            # RuleName goes only inside SamplingRule: the rule is named once. It holds at
            # most 32 characters and must be unique in the account and Region, which
            # application and environment names together may exceed: the stack's own ID
            # makes it unique and short ("appstack-" + 8 hex digits).
            SamplingRule=SamplingRuleProperty(
                RuleName=Join("-", ["appstack", _stack_id_prefix()]),
                Priority=PRIORITY,
                FixedRate=FIXED_RATE,
                ReservoirSize=RESERVOIR_SIZE,
                ServiceName=service_name,
                ServiceType="*",
                Host="*",
                HTTPMethod="*",
                URLPath="*",
                ResourceARN="*",
                Version=1,
            ),
            Tags=draft.tags("sampling"),
        )
    )


def _stack_id_prefix() -> Select:
    """The first 8 hex digits of the stack's UUID (arn:...:stack/<name>/<uuid>)."""
    return Select(0, Split("-", Select(2, Split("/", StackId))))
