"""AS005: every bucket refuses requests that do not use TLS."""

from __future__ import annotations

from appstack.checks.findings import Finding
from appstack.checks.rules.base import Rule, rule
from appstack.template import Template, as_list, properties, ref_target, resources


@rule(
    "AS005",
    "Every S3 bucket has a policy denying requests without TLS",
    "add a bucket policy statement: Deny s3:* on the bucket and its objects when "
    '"aws:SecureTransport" is "false"',
)
class BucketTlsOnly(Rule):
    def check(self, template: Template) -> list[Finding]:
        guarded = set()
        for policy in resources(template, "AWS::S3::BucketPolicy").values():
            document = properties(policy).get("PolicyDocument", {})
            for statement in as_list(document.get("Statement", [])):
                condition = statement.get("Condition", {}).get("Bool", {})
                if (
                    statement.get("Effect") == "Deny"
                    and str(condition.get("aws:SecureTransport")).lower() == "false"
                ):
                    guarded.add(ref_target(properties(policy).get("Bucket")))
        return [
            self.finding(logical_id, "accepts requests without TLS")
            for logical_id in resources(template, "AWS::S3::Bucket")
            if logical_id not in guarded
        ]
