"""The application's own secrets: each name of `secrets:` in the config, one Secrets Manager
secret, handed to the container as the environment variable of that name.

Each secret is encrypted with the environment's key and read only by the task *execution*
role, which ECS uses to inject it when a task starts (the ECS container definition's
`secrets`, whose valueFrom must be the secret's full ARN:
https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Secret.html; the Ref of an
AWS::SecretsManager::Secret is that ARN). Its value is the owner's business:
`appstack secret set ENV NAME` puts it (and rolls the service); until then the secret holds a
value CloudFormation generated, so a first deploy never waits for it, and preflight (PF008)
names each secret still without a value of its own.

The secret's name is left to CloudFormation: it is kept on delete (it holds data), and a
fixed name would block its own re-creation (rule AS007). Its logical id says which secret
it is (`logical_id`), and its description says `<app>/<env>/NAME`.
"""

from __future__ import annotations

from troposphere import Ref, Sub
from troposphere.kms import Key
from troposphere.secretsmanager import GenerateSecretString, Secret

from appstack.blueprint.draft import Draft
from appstack.blueprint.shared import secret_reading

#: Logical ids of the application's secrets start with this; the rest is the name with each
#: underscore as a lower-case x (names are upper case, so the mapping goes both ways).
PREFIX = "NamedSecret"


def logical_id(name: str) -> str:
    """The logical id of the secret of `name` (API_TOKEN: NamedSecretAPIxTOKEN)."""
    return PREFIX + name.replace("_", "x")


def name_of(logical: str) -> str | None:
    """The name a logical id of this module stands for (None: not one of these)."""
    if not logical.startswith(PREFIX):
        return None
    return logical.removeprefix(PREFIX).replace("x", "_")


def build(draft: Draft, key: Key) -> list[Secret]:
    """One secret for each name of `secrets:`, injected into the application's container."""
    made = []
    for name in draft.target.app.secrets:
        secret = draft.stateful(
            Secret(
                logical_id(name),
                Description=Sub(
                    f"${{ApplicationName}}/${{EnvironmentSuffix}}/{name}: "
                    f"set it with appstack secret set {draft.target.env_name} {name}"
                ),
                KmsKeyId=Ref(key),
                # A placeholder until `appstack secret set` (tasks start meanwhile).
                GenerateSecretString=GenerateSecretString(
                    PasswordLength=32, ExcludePunctuation=True
                ),
                Tags=draft.tags(f"secret-{name.lower().replace('_', '-')}"),
            )
        )
        draft.needs.secrets[name] = Ref(secret)
        draft.needs.execution_statements += secret_reading(
            f"Read{logical_id(name)}", f"Decrypt{logical_id(name)}", Ref(secret), key
        )
        made.append(secret)
    return made
