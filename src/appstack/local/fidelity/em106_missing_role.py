"""EM106: CloudTrail refuses a CloudWatch Logs role that does not exist.

CreateTrail and UpdateTrail answer InvalidCloudWatchLogsRoleArnException when the role the
trail would deliver to CloudWatch Logs with is not valid, so a trail whose role is gone (or
was never made) fails its resource, and the stack rolls back. moto 5.2.5 stores any ARN.
Service-linked roles (`role/aws-service-role/...`) are made by the services on demand and
are not checked.
"""

from __future__ import annotations

import inspect
from typing import Any

from appstack.local.fidelity import rule

SOURCE = "https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_CreateTrail.html"


def role_exists(account_id: str, arn: str) -> bool:
    """Whether IAM of `account_id` has the role `arn` names (service-linked roles count)."""
    from moto.iam.models import iam_backends

    if ":role/aws-service-role/" in arn:
        return True
    name = arn.rsplit("/", 1)[-1]
    partition = arn.split(":")[1] if arn.count(":") >= 5 else "aws"
    backend: Any = iam_backends[account_id][partition]
    return any(role.name == name for role in backend.roles.values())


@rule("EM106", "CloudTrail refuses a CloudWatch Logs role that does not exist", SOURCE)
def install() -> None:
    from moto.cloudtrail.models import CloudTrailBackend
    from moto.core.exceptions import JsonRESTError

    def checked(original: Any) -> Any:
        signature = inspect.signature(original)

        def call(self: Any, *args: Any, **kwargs: Any) -> Any:
            role = signature.bind(self, *args, **kwargs).arguments.get("cw_role_arn")
            if role and not role_exists(self.account_id, role):
                raise JsonRESTError(
                    "InvalidCloudWatchLogsRoleArnException",
                    f"Access denied. Verify in IAM that the role {role} exists and can be "
                    "assumed by CloudTrail.",
                )
            return original(self, *args, **kwargs)

        return call

    for method in ("create_trail", "update_trail"):
        setattr(CloudTrailBackend, method, checked(getattr(CloudTrailBackend, method)))
