"""Secrets on moto's Secrets Manager backend: AWS::SecretsManager::Secret (its generated
value included) and SecretTargetAttachment (which adds the database's address to it)."""

from __future__ import annotations

import json
from typing import Any, ClassVar

from moto.core.common_models import BaseModel, CloudFormationModel
from moto.rds.models import rds_backends
from moto.secretsmanager.models import secretsmanager_backends

from appstack.local.models._base import BackendModel, Place, Props, model, tag_list


def generated_value(spec: dict[str, Any], at: Place) -> str:
    """The value GenerateSecretString asks for: a random password, alone or as one key of
    the JSON object in SecretStringTemplate."""
    answer = at.backend(secretsmanager_backends).get_random_password(
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


@model("AWS::SecretsManager::Secret")
class Secret(BackendModel, CloudFormationModel, BaseModel):
    """A secret; Ref is its ARN, as in CloudFormation."""

    attributes: ClassVar[dict[str, str]] = {"Id": "arn"}

    @classmethod
    def create(cls, name: str, p: Props, at: Place) -> Secret:
        value = p.get("SecretString")
        if value is None and "GenerateSecretString" in p:
            value = generated_value(p["GenerateSecretString"], at)
        answer = at.backend(secretsmanager_backends).create_secret(
            name=name,
            secret_string=value,
            secret_binary=None,
            description=p.get("Description"),
            tags=tag_list(p),
            kms_key_id=p.get("KmsKeyId"),
            client_request_token=None,
            replica_regions=[],
            force_overwrite=False,
        )
        arn = str(json.loads(answer)["ARN"])
        return cls(arn, arn)

    def remove(self, at: Place) -> None:
        at.backend(secretsmanager_backends).delete_secret(
            self.arn, recovery_window_in_days=None, force_delete_without_recovery=True
        )


@model("AWS::SecretsManager::SecretTargetAttachment")
class SecretTargetAttachment(BackendModel, CloudFormationModel, BaseModel):
    """AWS::SecretsManager::SecretTargetAttachment: adds engine, host, port and the cluster's
    identifier to the secret's JSON, as CloudFormation does for an RDS target."""

    @classmethod
    def create(cls, name: str, p: Props, at: Place) -> SecretTargetAttachment:
        secrets = at.backend(secretsmanager_backends)
        secret_id = p["SecretId"]
        cluster = at.backend(rds_backends).clusters.get(p["TargetId"])
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
