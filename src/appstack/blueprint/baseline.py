"""The account baseline: what an account and Region has once, whatever runs in it.

AWS Config records through one configuration recorder per account and Region
(https://docs.aws.amazon.com/config/latest/developerguide/stop-start-recorder.html), and a
multi-Region CloudTrail trail delivers the account's one free copy of management events
(https://aws.amazon.com/cloudtrail/pricing/). Both are built by the same capability modules as
an environment's (`aws_config.record`, `audit.build`), in a template of their own, with a key,
and an access log bucket for the buckets' own requests, of its own: the baseline depends on
no environment, and outlives them all.

Names start with the `BaselineName` parameter (`baseline.name`, default `appstack`): the
trail is `<name>-trail`, the key's alias `alias/<name>-baseline`.
"""

from __future__ import annotations

from typing import Any

from troposphere import GetAtt, Output, Parameter, Ref, Tags, Template

from appstack import __version__
from appstack.blueprint import audit, aws_config, encryption
from appstack.blueprint.draft import Draft
from appstack.blueprint.shared import access_log_bucket
from appstack.config import BaselineSettings

#: The purpose (name suffix) of the baseline's key.
KEY_PURPOSE = "baseline"


class BaselineDraft(Draft):
    """The baseline's template under construction: the building blocks of an environment's
    `Draft` (add, stateful, log groups, names, tags), named after the baseline."""

    PREFIX = "${BaselineName}"

    def __init__(self, settings: BaselineSettings) -> None:
        # Not Draft.__init__: a baseline has no application, environment or phase.
        self.settings = settings  # type: ignore[assignment]
        self.template = Template(
            Description=(
                f"appstack {__version__}: account baseline {settings.name} "
                "(AWS Config recorder, CloudTrail trail)"
            )
        )
        self.template.set_metadata({"appstack": {"baseline": settings.name}})
        self.template.add_parameter(
            Parameter(
                "BaselineName",
                Type="String",
                Default=settings.name,
                AllowedPattern=r"^[a-z](?:-?[a-z0-9])*$",
                MaxLength=24,
                Description="Prefix of the baseline's names (its trail, its key's alias)",
                ConstraintDescription="1 to 24 lowercase letters, digits and single hyphens",
            )
        )

    def tags(self, purpose: str, **extra: Any) -> Tags:
        return Tags(Name=self.name(purpose), Baseline=Ref("BaselineName"), **extra)


def build(settings: BaselineSettings) -> Template:
    """The template of the account baseline."""
    draft = BaselineDraft(settings)
    key = encryption.build(draft, KEY_PURPOSE, alarms=False)
    # The Config and trail buckets log their own requests here.
    access_log_bucket(draft, load_balancer=False)
    recorder, channel = aws_config.record(draft, key, settings.config_history)
    aws_config.account_rules(draft, [recorder.title, channel.title])
    trail = audit.build(draft, key)
    for name, value, description in (
        ("ConfigRecorderName", Ref(recorder), "The account's AWS Config recorder"),
        ("TrailArn", GetAtt(trail, "Arn"), "The account's CloudTrail trail"),
        ("KeyArn", GetAtt(key, "Arn"), "The key of the baseline's logs and buckets"),
    ):
        draft.template.add_output(Output(name, Value=value, Description=description))
    return draft.template


def to_dict(settings: BaselineSettings) -> dict[str, Any]:
    data: dict[str, Any] = build(settings).to_dict()
    return data
