"""AS005: every bucket refuses requests that do not use TLS."""

from __future__ import annotations

from appstack.checks.findings import Finding
from appstack.checks.rules.base import Rule
from appstack.template import Template, as_list, ref_target, resources


class BucketTlsOnly(Rule):
    id = "AS005"
    description = "Every S3 bucket has a policy denying requests without TLS"
    fix = (
        "add a bucket policy statement: Deny s3:* on the bucket and its objects when "
        '"aws:SecureTransport" is "false"'
    )

    def check(self, template: Template) -> list[Finding]:
        guarded = set()
        for _, policy in resources(template, "AWS::S3::BucketPolicy").items():
            properties = policy.get("Properties", {})
            for statement in as_list(properties.get("PolicyDocument", {}).get("Statement", [])):
                condition = statement.get("Condition", {}).get("Bool", {})
                if (
                    statement.get("Effect") == "Deny"
                    and str(condition.get("aws:SecureTransport")).lower() == "false"
                ):
                    guarded.add(ref_target(properties.get("Bucket")))
        return [
            self.finding(logical_id, "accepts requests without TLS")
            for logical_id, _ in resources(template, "AWS::S3::Bucket").items()
            if logical_id not in guarded
        ]
