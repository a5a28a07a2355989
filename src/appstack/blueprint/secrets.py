"""Secrets: the application's own secret.

It lives in Secrets Manager, encrypted with the environment's key, and reaches the container
as an ECS secret: only the task *execution* role may read it (ECS fetches it when a task
starts), the application's task role gets nothing.

The database's master credentials are not here: RDS generates, stores and rotates them itself
(`ManageMasterUserPassword`, see blueprint.database). The hosted rotation function this module
once declared came from the `AWS::SecretsManager-2024-09-16` transform, which deploys a
python3.10 function, past Lambda's end of life; managed rotation needs no function at all.
"""

from __future__ import annotations

from troposphere import GetAtt, Ref, Sub
from troposphere.kms import Key
from troposphere.secretsmanager import GenerateSecretString, Secret

from appstack.blueprint.draft import RETAIN, Draft
from appstack.blueprint.shared import secret_reading

#: Environment variable that carries the application secret into the container.
APP_SECRET_VARIABLE = "APP_SECRET"
APP_SECRET_LENGTH = 64


def build(draft: Draft, key: Key) -> Secret:
    """The application secret, handed to the task."""
    return _application_secret(draft, key)


def _application_secret(draft: Draft, key: Key) -> Secret:
    # No fixed name: a retained secret cannot clash with the one a new stack creates.
    secret = draft.stateful(
        Secret(
            "AppSecret",
            Description=Sub(
                "Secret of ${ApplicationName} (${EnvironmentSuffix}); replace its value at will"
            ),
            KmsKeyId=GetAtt(key, "Arn"),
            GenerateSecretString=GenerateSecretString(
                PasswordLength=APP_SECRET_LENGTH, ExcludePunctuation=True
            ),
            Tags=draft.tags("app-secret"),
        ),
        on_delete=RETAIN,
        on_replace=RETAIN,
    )
    draft.needs.secrets[APP_SECRET_VARIABLE] = Ref(secret)
    # ECS reads the secret with the execution role before the container starts.
    draft.needs.execution_statements += secret_reading(
        "ReadTheApplicationSecret", "DecryptTheApplicationSecret", Ref(secret), key
    )
    return secret
