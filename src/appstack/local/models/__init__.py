"""CloudFormation models moto lacks, registered in moto's CloudFormation parser.

moto reads `CloudFormationModel.__subclasses__()` once, when it parses the first stack:
this package must be imported before that (the launcher in `server.py` does it).
Types with a moto service backend create the resource there (one module per service), so
the deployed stack can be inspected through the normal AWS APIs; the others are recorded
as placeholders with a physical ID (`PLACEHOLDER_TYPES`) and listed by
`appstack local status`. `fixes` closes gaps in moto's own models.
"""

from __future__ import annotations

from appstack.local.models import ecr, fixes
from appstack.local.models._base import PLACEHOLDER_TYPES, PLACEHOLDERS
from appstack.local.models.autoscaling import ScalableTarget, ScalingPolicy
from appstack.local.models.backup import BackupPlan, BackupVault
from appstack.local.models.cloudtrail import Trail
from appstack.local.models.cloudwatch import MetricAlarm
from appstack.local.models.config import ConfigRule, ConfigurationRecorder, DeliveryChannel
from appstack.local.models.elasticache import CacheReplicationGroup, CacheSubnetGroup
from appstack.local.models.iam import OIDCProvider
from appstack.local.models.rds import AuroraCluster, AuroraInstance
from appstack.local.models.resourcegroups import ResourceGroup
from appstack.local.models.secretsmanager import Secret, SecretTargetAttachment
from appstack.local.models.vpn import CustomerGateway, VPNConnection
from appstack.local.models.wafv2 import WebACL, WebACLAssociation, WebACLLogging

fixes.apply()
ecr.install()

__all__ = [
    "PLACEHOLDERS",
    "PLACEHOLDER_TYPES",
    "AuroraCluster",
    "AuroraInstance",
    "BackupPlan",
    "BackupVault",
    "CacheReplicationGroup",
    "CacheSubnetGroup",
    "ConfigRule",
    "ConfigurationRecorder",
    "CustomerGateway",
    "DeliveryChannel",
    "MetricAlarm",
    "OIDCProvider",
    "ResourceGroup",
    "ScalableTarget",
    "ScalingPolicy",
    "Secret",
    "SecretTargetAttachment",
    "Trail",
    "VPNConnection",
    "WebACL",
    "WebACLAssociation",
    "WebACLLogging",
]
