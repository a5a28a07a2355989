"""EM206: a change set that changes nothing ends FAILED; one that is not AVAILABLE never runs.

AWS creates a change set whatever it holds; one with no changes ends Status FAILED,
ExecutionStatus UNAVAILABLE, StatusReason "The submitted information didn't contain changes.
Submit different information to create a change set." moto answers CreateChangeSet with a
ValidationError instead when parameters are passed, runs a change set that is not AVAILABLE,
and answers DescribeChangeSet and DeleteChangeSet of a change set that is gone with a wrong
error or a 500 (UnboundLocalError): AWS answers ChangeSetNotFound, and InvalidChangeSetStatus
to ExecuteChangeSet of a change set it cannot run. A stack's parameters are the ones of the
change set that ran last, so the next comparison is against those (moto keeps the first ones).
"""

from __future__ import annotations

from typing import Any

from appstack.local.fidelity import Method, in_place_of, rule
from appstack.local.fidelity.em2_shared import (
    ChangeSetNotFound,
    InvalidChangeSetStatus,
    execute_as_aws_does,
    find_change_set,
)


@rule(
    "EM206",
    'A change set without changes ends FAILED ("didn\'t contain changes"); '
    "only an AVAILABLE one runs",
    "https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeChangeSet.html",
)
def install() -> None:
    from moto.cloudformation.models import CloudFormationBackend
    from moto.cloudformation.responses import CloudFormationResponse

    @in_place_of(CloudFormationResponse, "_validate_different_update")
    def _validate_different_update(original: Method, self: Any, *args: Any, **kw: Any) -> None:
        if self._get_action() == "CreateChangeSet":
            return  # the change set is made, and ends FAILED if it changes nothing
        original(self, *args, **kw)

    @in_place_of(CloudFormationResponse, "describe_change_set", "delete_change_set")
    def of_its_stack(action: Method, self: Any) -> Any:
        """`action` with ChangeSetName resolved to the ARN of the change set of StackName
        (moto takes the first change set of that name of any stack), or
        ChangeSetNotFound."""
        wanted = self._get_param("ChangeSetName")
        change_set = find_change_set(
            self.cloudformation_backend, wanted, self._get_param("StackName")
        )
        if change_set is None:
            raise ChangeSetNotFound(wanted)
        self.params["ChangeSetName"] = change_set.change_set_id
        return action(self)

    @in_place_of(CloudFormationBackend, "execute_change_set")
    def execute_change_set(
        original: Method, self: Any, change_set_name: str, stack_name: str | None = None
    ) -> None:
        change_set = find_change_set(self, change_set_name, stack_name)
        if change_set is None:
            raise ChangeSetNotFound(change_set_name)
        if change_set.execution_status != "AVAILABLE":
            raise InvalidChangeSetStatus(
                f"ChangeSet [{change_set.change_set_id}] cannot be executed in its current "
                f"execution status of [{change_set.execution_status}]"
            )
        execute_as_aws_does(self, change_set, lambda: original(self, change_set_name, stack_name))
        if change_set.execution_status == "EXECUTE_COMPLETE":
            change_set.stack.parameters = change_set.parameters
