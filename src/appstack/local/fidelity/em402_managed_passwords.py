"""What the secret of an RDS-managed master password holds.

moto writes `{"username": "admin", "password": "P@55w0rd!"}` into every managed secret and
leaves the cluster's own master user and password as they were: an application that reads
the secret would sign in with a user that does not exist.
"""

from __future__ import annotations

import json
import secrets
import string
from typing import Any

from appstack.local.fidelity import rule

#: Characters RDS never puts in a master password: / @ " and space (Aurora naming
#: constraints); the generated password stays within printable ASCII otherwise.
_ALPHABET = "".join(c for c in string.ascii_letters + string.digits + "!#$%&()*+,-.:;<=>?[]^_{|}~")
_LENGTH = 28


@rule(
    "EM402",
    "An RDS-managed master secret holds the cluster's master user and a generated password",
    "https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/rds-secrets-manager.html",
)
def managed_secret_holds_the_master_credentials() -> None:
    """ "When you specify that Aurora manages the master user password in Secrets Manager,
    Aurora generates the password and stores it in Secrets Manager": the secret's username
    is the cluster's master user, and its password is the one the cluster now accepts."""
    from moto.rds.models import MasterUserSecret

    def secret_string(self: Any) -> str:
        password = "".join(secrets.choice(_ALPHABET) for _ in range(_LENGTH))
        self.resource.master_user_password = password
        username = getattr(self.resource, "master_username", None) or "admin"
        return json.dumps({"username": username, "password": password})

    setattr(MasterUserSecret, "_generate_secret_string", secret_string)  # noqa: B010
