"""The least-privilege policy of the account baseline (docs/iam/baseline-policy.json):
`baseline plan|deploy|status|destroy` in one account, the same as a StackSet from an
administration account (`--accounts`, `status --drift`), as a service-managed StackSet to an
OU (from the management account, and from a delegated administrator), and `baseline adopt`.
parliament finds nothing in it; it allows every call the commands make on the emulator, run
as a user runs them (the command line, in process, on a connection whose calls are
recorded); it grants nothing those calls do not use; and it asks for Resource "*" only where
the service takes no ARN.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from appstack import config
from appstack.deploy import stacks, stackset
from appstack.local import transforms
from deploy import iam_calls
from deploy.legacy import legacy_template
from emulator.accounts import Account
from emulator.organizations import organization
from emulator.stacksets import role

POLICY = "baseline-policy.json"
REGION = "ca-central-1"
SERVICES = (
    "cloudformation", "config", "cloudtrail", "iam", "sts", "organizations", "kms", "s3",
)  # fmt: skip


def _config(folder: Path, baseline: str, extra: str = "") -> str:
    path = folder / f"{baseline}.yaml"
    path.write_text(
        f"application_name: iam\nregion: {REGION}\nbaseline:\n  name: {baseline}\n{extra}"
    )
    return str(path)


def _legacy_stack(account: Account) -> str:
    """A phase-4 environment stack that still holds the account's recorder and trail."""
    data = {"application_name": "mig", "environments": {"dev": {"features": {"vpn": False}}}}
    target = config.resolve(config.in_region(config.parse(data), REGION), "dev", 4)
    template, _ = transforms.for_emulator(legacy_template(target))
    change_set, _ = stacks.plan(account.conn, "mig-dev", None, template)
    assert stacks.apply(account.conn, change_set, template, production=False).ok
    return "mig-dev"


#: Without protection: each baseline is destroyed after, as its owner lifts it first.
UNPROTECTED = "  deletion_protection: false\n"


@pytest.fixture(scope="module")
def recorded(
    emulator_endpoint: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[iam_calls.Recorder]:
    """The IAM actions of each baseline command's calls, each in an account of its own."""
    folder = tmp_path_factory.mktemp("iam-baseline")
    recorder = iam_calls.Recorder()
    one, admin, target, adopting = (Account(emulator_endpoint, REGION) for _ in range(4))
    role(admin, stackset.ADMINISTRATION_ROLE)
    role(target, stackset.EXECUTION_ROLE)
    # Service-managed: from the management account, and from a delegated administrator.
    org = organization(emulator_endpoint, region=REGION)
    delegate = Account(emulator_endpoint, REGION, org.members["security"])
    org.management.client("organizations").register_delegated_administrator(
        AccountId=delegate.id, ServicePrincipal=stackset.TRUSTED_SERVICE
    )
    to_units = ("deploy", "--yes", "--ou", org.units["workloads"], "--regions", REGION)
    delegated = UNPROTECTED + "  call_as: DELEGATED_ADMIN\n"
    legacy = _legacy_stack(adopting)  # `plan` names the stack that holds the recorder
    stack_set = ("deploy", "--yes", "--accounts", target.id, "--regions", REGION)
    # The StackSet is deployed again with a longer retention: the update of its template.
    longer = UNPROTECTED + "  log_retention_days: 400\n"
    flows: dict[str, tuple[Account, str, list[tuple[tuple[str, ...], str]]]] = {
        "in one account": (one, "single", [
            (("plan",), UNPROTECTED), (("deploy", "--yes"), UNPROTECTED),
            (("status",), UNPROTECTED), (("destroy", "--yes"), UNPROTECTED),
        ]),
        "as a StackSet": (admin, "fleet", [
            (stack_set, UNPROTECTED), (stack_set, longer), (("status", "--drift"), longer),
            (("destroy", "--yes"), longer),
        ]),
        "adopt": (adopting, "mig-dev", [(("plan",), ""), (("adopt", legacy, "--yes"), "")]),
        "service-managed": (org.management, "orgwide", [
            (to_units, UNPROTECTED), (("status",), UNPROTECTED),
            (("destroy", "--yes"), UNPROTECTED),
        ]),
        "as a delegated administrator": (delegate, "delegated", [
            (to_units, delegated), (("status",), delegated), (("destroy", "--yes"), delegated),
        ]),
    }  # fmt: skip
    with pytest.MonkeyPatch.context() as patch:
        for command, (account, name, steps) in flows.items():
            recorder.attach(account.conn, SERVICES)
            patch.setattr("appstack.cli.commands.baseline.connect", lambda *_, a=account: a.conn)
            with recorder.as_command(command):
                for args, extra in steps:
                    path = _config(folder, name, extra)
                    iam_calls.appstack("baseline", *args, "-c", path, "--output", "json")
    yield recorder


@pytest.mark.parametrize(
    "command",
    ["in one account", "as a StackSet", "adopt", "service-managed", "as a delegated administrator"],
)
def test_the_policy_allows_every_call_of_the_baseline(
    recorded: iam_calls.Recorder, command: str
) -> None:
    assert recorded.made[command]
    assert iam_calls.missing(POLICY, recorded.made[command]) == set()


def test_the_policy_grants_nothing_the_baseline_does_not_use(
    recorded: iam_calls.Recorder,
) -> None:
    assert iam_calls.unused(POLICY, recorded.all()) == set()


def test_each_call_is_allowed_on_the_resource_it_names(recorded: iam_calls.Recorder) -> None:
    assert recorded.named  # the calls that name an ARN (secrets, repository, service, ...)
    assert iam_calls.refused(POLICY, recorded.named) == set()
