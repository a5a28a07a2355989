"""Secrets on moto's Secrets Manager backend: AWS::SecretsManager::Secret (its generated
value included) and SecretTargetAttachment (which adds the database's address to it)."""

from __future__ import annotations

import json
from typing import Any, ClassVar

from moto.core.common_models import BaseModel, CloudFormationModel
from moto.rds.models import rds_backends
from moto.secretsmanager.models import secretsmanager_backends

from appstack.local.models._base import BackendModel, tag_list


def _backend(account_id: str, region_name: str) -> Any:
    return secretsmanager_backends[account_id][region_name]


def generated_value(spec: dict[str, Any], account_id: str, region_name: str) -> str:
    """The value GenerateSecretString asks for: a random password, alone or as one key of
    the JSON object in SecretStringTemplate."""
    answer = _backend(account_id, region_name).get_random_password(
        password_length=int(spec.get("PasswordLength", 32)),
        exclude_characters=spec.get("ExcludeCharacters", ""),
        exclude_numbers=bool(spec.get("ExcludeNumbers", False)),
        exclude_punctuation=bool(spec.get("ExcludePunctuation", False)),
        exclude_uppercase=bool(spec.get("ExcludeUppercase", False)),
        exclude_lowercase=bool(spec.get("ExcludeLowercase", False)),
        include_space=bool(spec.get("IncludeSpace", False)),
        require_each_included_type=bool(spec.get("RequireEachIncludedType", True)),
    )
    password = str(json.loads(answer)["RandomPassword"])
    template = spec.get("SecretStringTemplate")
    if not template:
        return password
    document = json.loads(template)
    document[spec["GenerateStringKey"]] = password
    return json.dumps(document)


class Secret(BackendModel, CloudFormationModel, BaseModel):
    """AWS::SecretsManager::Secret; Ref is its ARN, as in CloudFormation."""

    attributes: ClassVar[dict[str, str]] = {"Id": "arn"}

    def __init__(self, arn: str) -> None:
        self.arn = arn
        self.physical_id = arn

    type_name = "AWS::SecretsManager::Secret"
    name_property = "Name"

    @classmethod
    def create(
        cls, resource_name: str, p: dict[str, Any], account_id: str, region_name: str, **_: Any
    ) -> Secret:
        value = p.get("SecretString")
        if value is None and "GenerateSecretString" in p:
            value = generated_value(p["GenerateSecretString"], account_id, region_name)
        answer = _backend(account_id, region_name).create_secret(
            name=resource_name,
            secret_string=value,
            secret_binary=None,
            description=p.get("Description"),
            tags=tag_list(p),
            kms_key_id=p.get("KmsKeyId"),
            client_request_token=None,
            replica_regions=[],
            force_overwrite=False,
        )
        return cls(str(json.loads(answer)["ARN"]))

    def delete(self, account_id: str, region_name: str) -> None:
        _backend(account_id, region_name).delete_secret(
            self.arn, recovery_window_in_days=None, force_delete_without_recovery=True
        )


class SecretTargetAttachment(BackendModel, CloudFormationModel, BaseModel):
    """AWS::SecretsManager::SecretTargetAttachment: adds engine, host, port and the cluster's
    identifier to the secret's JSON, as CloudFormation does for an RDS target."""

    type_name = "AWS::SecretsManager::SecretTargetAttachment"

    @classmethod
    def create(
        cls, resource_name: str, p: dict[str, Any], account_id: str, region_name: str, **_: Any
    ) -> SecretTargetAttachment:
        secrets = _backend(account_id, region_name)
        secret_id = p["SecretId"]
        cluster = rds_backends[account_id][region_name].clusters.get(p["TargetId"])
        if cluster is not None:
            current = secrets.get_secret_value(secret_id, None, None).get("SecretString")
            document = json.loads(current or "{}")
            document.update(
                engine=cluster.engine,
                host=cluster.endpoint,
                port=int(cluster.port),
                dbClusterIdentifier=cluster.db_cluster_identifier,
            )
            secrets.put_secret_value(
                secret_id=secret_id,
                secret_string=json.dumps(document),
                secret_binary=None,
                client_request_token=None,
                version_stages=["AWSCURRENT"],
            )
        return cls(secrets.secrets[secret_id].arn)
