"""EM108: creating a trail whose name is taken fails, and the stack rolls back.

CloudTrail's CreateTrail answers TrailAlreadyExistsException for a name in use; moto 5.2.5
creates a second trail of the same name. (Backup vaults, web ACLs, secrets and resource
groups are refused by moto's services already; appstack's Config models refuse a taken
name as CloudFormation's create handlers do, see `models.config`.)
"""

from __future__ import annotations

from typing import Any

from appstack.local.fidelity import rule

SOURCE = "https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_CreateTrail.html"


@rule("EM108", "Creating a trail whose name is taken fails", SOURCE)
def install() -> None:
    from moto.cloudtrail.models import CloudTrailBackend
    from moto.core.exceptions import JsonRESTError

    original = CloudTrailBackend.create_trail

    def create_trail(self: Any, name: str, *args: Any, **kwargs: Any) -> Any:
        if name in self.trails:
            raise JsonRESTError(
                "TrailAlreadyExistsException",
                f"Trail {name} already exists for customer: {self.account_id}",
            )
        return original(self, name, *args, **kwargs)

    setattr(CloudTrailBackend, "create_trail", create_trail)  # noqa: B010
