"""EM305: ExecuteChangeSet runs only an AVAILABLE change set, and a retried call is idempotent.

AWS refuses to execute a change set whose ExecutionStatus is not AVAILABLE (UNAVAILABLE,
EXECUTE_IN_PROGRESS, EXECUTE_COMPLETE, EXECUTE_FAILED, OBSOLETE) with InvalidChangeSetStatus;
the same call repeated with the ClientRequestToken of the execution that ran is recognised as
a retry and succeeds ("Specify this token if you plan to retry requests so that CloudFormation
knows that you're not attempting to execute a change set to update a stack with the same
name"). moto 5.2.5 runs any change set again, whatever its status.
"""

from __future__ import annotations

from typing import Any

from moto.core.responses import EmptyResult

from appstack.local.fidelity import Method, rule, stands_in_for
from appstack.local.fidelity.em2_shared import InvalidChangeSetStatus, find_change_set

#: The token each executed change set ran with, by change set id.
EXECUTED_WITH: dict[str, str | None] = {}


@rule(
    "EM305",
    "ExecuteChangeSet needs an AVAILABLE change set; a retry with the same token succeeds",
    "https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ExecuteChangeSet.html",
)
@stands_in_for("moto.cloudformation.responses:CloudFormationResponse.execute_change_set")
def execute_change_set(original: Method, self: Any) -> Any:
    token = self._get_param("ClientRequestToken")
    change_set = find_change_set(self.cloudformation_backend, self._get_param("ChangeSetName"))
    if change_set is None:
        return original(self)
    status = change_set.execution_status
    if status != "AVAILABLE":
        ran_with = EXECUTED_WITH.get(change_set.change_set_id)
        if token and ran_with == token:
            return EmptyResult()
        raise InvalidChangeSetStatus(
            f"ChangeSet [{change_set.change_set_id}] cannot be executed in its current "
            f"execution status of [{status}]"
        )
    EXECUTED_WITH[change_set.change_set_id] = token
    return original(self)
