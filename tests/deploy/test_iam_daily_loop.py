"""The least-privilege policy of the daily loop (docs/iam/daily-loop-policy.json): `build` (and
the build step of `deploy --build`), `drift`, `recover`, `secret set|list`, `logs` and `exec`.
parliament finds nothing in it; it allows every call each command makes on the emulator,
through the command's own code path; it grants nothing those calls do not use; and it asks
for Resource "*" only where the service takes no ARN.

The image itself goes to the registry over the OCI distribution API, not through boto3: ECR
authorizes those requests as the actions of `PUSH` (its push policy,
https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-push-iam.html), which are added
where the build pushes. The deploy of `deploy --build` is docs/iam/deploy-policy.json's.
"""

from __future__ import annotations

from typing import Any

import pytest

from appstack import config
from appstack.deploy import drift, images, logs, recover, secret_values, shell, stacks
from appstack.deploy.session import Connection
from conftest import synth
from deploy import iam_calls
from deploy.deploying import deploy, on_emulator
from emulator._lifecycle import deploy as deploy_template
from emulator._lifecycle import unique
from emulator._rollback_failed import stuck_on_queue

POLICY = "daily-loop-policy.json"
REGION = "ap-northeast-3"
SERVICES = ("cloudformation", "ecr", "ecs", "logs", "secretsmanager", "kms", "sts")
#: What a push asks of ECR through the registry (see the module's description).
PUSH = {
    "ecr:BatchCheckLayerAvailability",
    "ecr:InitiateLayerUpload",
    "ecr:UploadLayerPart",
    "ecr:CompleteLayerUpload",
    "ecr:PutImage",
    "ecr:BatchGetImage",
}
#: What a user who changes a secret's value needs on its customer managed key, used by Secrets
#: Manager on their behalf ("kms:GenerateDataKey, kms:Decrypt", Permissions for the KMS key:
#: https://docs.aws.amazon.com/secretsmanager/latest/userguide/security-encryption.html#security-encryption-authz);
#: only through Secrets Manager (kms:ViaService).
SECRET_KEY = {"kms:GenerateDataKey", "kms:Decrypt"}


def _app_stack(conn: Connection) -> str:
    """A phase-1 stack of dev with one application secret (its repository and service too)."""
    name = unique("loop-dev")
    data = {"region": REGION, "secrets": ["API_TOKEN"]}
    target = config.resolve(config.parse(data), "dev", 1)
    assert target.env.exec  # dev opens shells (ECS Exec)
    assert deploy(conn, name, synth(data, "dev", 1)).ok
    return name


def _failed_creation(conn: Connection) -> str:
    """A stack whose first creation failed: ROLLBACK_COMPLETE (a vault whose name is taken)."""
    name, vault = unique("failed"), unique("vault")
    conn.client("backup").create_backup_vault(BackupVaultName=vault)
    template = {
        "Resources": {
            "Vault": {"Type": "AWS::Backup::BackupVault", "Properties": {"BackupVaultName": vault}}
        }
    }
    assert deploy_template(conn.client("cloudformation"), name, template) == "ROLLBACK_COMPLETE"
    return name


def _recover(conn: Connection, name: str) -> None:
    """`appstack recover NAME --yes`: read the stack, plan, carry the plan out."""
    cfn = conn.client("cloudformation")
    chosen = recover.plan(cfn, stacks.require(cfn, name))
    assert chosen.action in (recover.CONTINUE, recover.DELETE)
    recover.run(cfn, chosen)


def _build(conn: Connection, name: str) -> set[str]:
    """`appstack build`'s calls but the builder's: the repository, sign-in, the tag's image."""
    repository = images.require_repository(name, stacks.current(conn, name))
    try:
        images.sign_in(conn)
    except stacks.DeployError as exc:  # the shared emulator runs no registry: the call is made
        assert "no local registry" in str(exc)
    assert images.pushed_already(conn, repository, "0" * 12) is None
    return PUSH  # then the builder pushes (not through boto3), then DescribeImages again


def _exec(conn: Connection, name: str) -> None:
    """`appstack exec NAME`: the newest running task of the service, then ExecuteCommand."""
    try:
        shell.open_session(conn, stacks.require(conn.client("cloudformation"), name), "app",
                           "/bin/sh")  # fmt: skip
    except stacks.DeployError as exc:  # no task running on the emulator: the calls are made
        assert "no running task" in str(exc)


@pytest.fixture(scope="module")
def recorded(emulator_endpoint: str) -> iam_calls.Recorder:
    """The IAM actions of each daily-loop command's calls on the emulator."""
    conn = on_emulator(emulator_endpoint, REGION)
    recorder = iam_calls.Recorder()
    recorder.attach(conn, SERVICES)
    name = _app_stack(conn)
    cfn = conn.client("cloudformation")
    stuck, failed = unique("stuck"), _failed_creation(conn)
    assert stuck_on_queue(cfn, emulator_endpoint, stuck) == "UPDATE_ROLLBACK_FAILED"

    with recorder.as_command("build") as made:
        made |= _build(conn, name)
    with recorder.as_command("drift"):
        drift.detect(cfn, name, timeout=60)
    with recorder.as_command("recover"):
        _recover(conn, stuck)
        _recover(conn, failed)
    with recorder.as_command("secret list"):
        assert [s.name for s in secret_values.listing(conn, name)] == ["API_TOKEN"]
    with recorder.as_command("secret set") as made:
        secret_values.put(conn, name, "dev", "API_TOKEN", "s3cret-value")
        made |= SECRET_KEY
    with recorder.as_command("logs"):
        found = logs.sources(conn, stacks.require(conn.client("cloudformation"), name))
        logs.follow(conn.client("logs"), found, logs.since_ms(600), lambda line: None,
                    stop=lambda: True, sleep=lambda s: None)  # fmt: skip
    with recorder.as_command("exec"):
        _exec(conn, name)
    return recorder


@pytest.mark.parametrize(
    "command", ["build", "drift", "recover", "secret list", "secret set", "logs", "exec"]
)
def test_the_policy_allows_every_call_of_the_command(
    recorded: iam_calls.Recorder, command: str
) -> None:
    assert recorded.made[command]  # the command's code path ran
    assert iam_calls.missing(POLICY, recorded.made[command]) == set()


def test_the_policy_grants_nothing_the_daily_loop_does_not_use(
    recorded: iam_calls.Recorder,
) -> None:
    assert iam_calls.unused(POLICY, recorded.all()) == set()


def test_the_secret_key_is_used_through_secrets_manager_only() -> None:
    [key] = [s for s in iam_calls.statements(POLICY) if "kms:GenerateDataKey" in s["Action"]]
    via: dict[str, Any] = key["Condition"]["StringLike"]
    assert via == {"kms:ViaService": "secretsmanager.*.amazonaws.com"}


def test_each_call_is_allowed_on_the_resource_it_names(recorded: iam_calls.Recorder) -> None:
    assert recorded.named  # the calls that name an ARN (secrets, repository, service, ...)
    assert iam_calls.refused(POLICY, recorded.named) == set()
