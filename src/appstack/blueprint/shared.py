"""What several capabilities build alike, in one place.

The log buckets (the access log bucket that the load balancer and the other buckets log to,
the audit trail's bucket, Config's history bucket) are private, versioned, retained, expire
their logs and refuse requests without TLS; who delivers load balancer logs differs by
Region; every role an AWS service assumes trusts that service; a data store's security group
admits the tasks alone and lets nothing out.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from awacs.aws import (
    Action,
    Allow,
    Bool,
    Condition,
    Deny,
    PolicyDocument,
    Principal,
    Statement,
    StringEquals,
)
from troposphere import GetAtt, Ref, Sub
from troposphere.ec2 import SecurityGroup, SecurityGroupRule
from troposphere.iam import Policy, Role
from troposphere.kms import Key
from troposphere.logs import LogGroup
from troposphere.s3 import (
    Bucket,
    BucketEncryption,
    BucketPolicy,
    LifecycleConfiguration,
    LifecycleRule,
    LoggingConfiguration,
    NoncurrentVersionExpiration,
    OwnershipControls,
    OwnershipControlsRule,
    PublicAccessBlockConfiguration,
    ServerSideEncryptionByDefault,
    ServerSideEncryptionRule,
    VersioningConfiguration,
)

from appstack.blueprint.draft import RETAIN, Draft
from appstack.data import load

if TYPE_CHECKING:
    from appstack.blueprint.network import Network

#: The bucket that receives the load balancer's access logs and the other buckets' server
#: access logs (S3 writes those only to SSE-S3 buckets, like the load balancer).
ACCESS_LOG_BUCKET = "AccessLogBucket"
#: Its policy: a bucket that logs there is created after it, so S3 may already write.
ACCESS_LOG_POLICY = "AccessLogBucketPolicy"
#: Where S3 server access logs go in that bucket, one folder per logged bucket.
SERVER_ACCESS_LOG_PREFIX = "s3"
#: How long the access log bucket keeps load balancer and server access logs.
ACCESS_LOG_DAYS = 90


# ---------------------------------------------------------------- buckets


def private_bucket() -> dict[str, Any]:
    """Bucket properties: public access blocked, ACLs disabled (the bucket owner owns every
    object), versioning on so an overwrite or delete can be undone."""
    return {
        "PublicAccessBlockConfiguration": PublicAccessBlockConfiguration(
            BlockPublicAcls=True,
            BlockPublicPolicy=True,
            IgnorePublicAcls=True,
            RestrictPublicBuckets=True,
        ),
        "OwnershipControls": OwnershipControls(
            Rules=[OwnershipControlsRule(ObjectOwnership="BucketOwnerEnforced")]
        ),
        "VersioningConfiguration": VersioningConfiguration(Status="Enabled"),
    }


def server_access_logging(name: str) -> LoggingConfiguration:
    """Bucket property: S3 logs every request to the bucket into the access log bucket."""
    return LoggingConfiguration(
        DestinationBucketName=Ref(ACCESS_LOG_BUCKET),
        LogFilePrefix=f"{SERVER_ACCESS_LOG_PREFIX}/{name}/",
    )


def server_access_log_statement() -> Statement:
    """Access log bucket policy: S3's logging service may write server access logs of this
    account's buckets (with ACLs disabled, a bucket policy is the only way to allow it)."""
    return Statement(
        Sid="S3WritesServerAccessLogs",
        Effect=Allow,
        Principal=Principal("Service", "logging.s3.amazonaws.com"),
        Action=[Action("s3", "PutObject")],
        Resource=[Sub(f"${{{ACCESS_LOG_BUCKET}.Arn}}/{SERVER_ACCESS_LOG_PREFIX}/*")],
        Condition=Condition(StringEquals("aws:SourceAccount", Ref("AWS::AccountId"))),
    )


def tls_only_statement(bucket_logical_id: str) -> Statement:
    """Deny every request to a bucket that does not use TLS."""
    return Statement(
        Sid="DenyRequestsWithoutTls",
        Effect=Deny,
        Principal=Principal("*"),
        Action=[Action("s3", "*")],
        Resource=[GetAtt(bucket_logical_id, "Arn"), Sub(f"${{{bucket_logical_id}.Arn}}/*")],
        Condition=Condition(Bool("aws:SecureTransport", "false")),
    )


def kms_encryption(key: Key, bucket_key: bool) -> ServerSideEncryptionRule:
    """Default encryption with the environment's KMS key (`bucket_key`: with an S3 Bucket Key,
    which saves KMS calls where a service does not need kms:Decrypt to write)."""
    return ServerSideEncryptionRule(
        ServerSideEncryptionByDefault=ServerSideEncryptionByDefault(
            SSEAlgorithm="aws:kms", KMSMasterKeyID=GetAtt(key, "Arn")
        ),
        BucketKeyEnabled=bucket_key,
    )


def log_bucket(
    draft: Draft,
    logical_id: str,
    *,
    encryption: ServerSideEncryptionRule,
    expiry: LifecycleRule,
    tag: str,
    writers: list[Statement],
    logged_as: str | None = None,
) -> tuple[Bucket, BucketPolicy]:
    """A retained, private, versioned bucket of logs that expire by `expiry`, and its policy:
    `writers` may deliver, and every request without TLS is refused. Its own requests are
    logged to the access log bucket under `logged_as` (None: the access log bucket itself)."""
    logging: dict[str, Any] = {}
    if logged_as is not None:
        logging["LoggingConfiguration"] = server_access_logging(logged_as)
    after: dict[str, Any] = {} if logged_as is None else {"DependsOn": [ACCESS_LOG_POLICY]}
    bucket = draft.stateful(
        Bucket(
            logical_id,
            BucketEncryption=BucketEncryption(ServerSideEncryptionConfiguration=[encryption]),
            **private_bucket(),
            **logging,
            LifecycleConfiguration=LifecycleConfiguration(Rules=[expiry]),
            Tags=draft.tags(tag),
            **after,
        ),
        on_delete=RETAIN,
        on_replace=RETAIN,
    )
    policy = draft.add(
        BucketPolicy(
            f"{logical_id}Policy",
            Bucket=Ref(bucket),
            PolicyDocument=PolicyDocument(
                Version="2012-10-17",
                Statement=[*writers, tls_only_statement(logical_id)],
            ),
        )
    )
    return bucket, policy


def access_log_bucket(draft: Draft, load_balancer: bool = True) -> BucketPolicy:
    """The bucket the load balancer's access logs (when `load_balancer`) and the other
    buckets' server access logs go to, and its policy."""
    writers = [server_access_log_statement()]
    if load_balancer:
        writers.insert(
            0,
            Statement(
                Sid="LoadBalancerWritesAccessLogs",
                Effect=Allow,
                Principal=elb_log_principal(draft.target.app.region),
                Action=[Action("s3", "PutObject")],
                Resource=[Sub(f"${{{ACCESS_LOG_BUCKET}.Arn}}/AWSLogs/${{AWS::AccountId}}/*")],
            ),
        )
    bucket, policy = log_bucket(
        draft,
        ACCESS_LOG_BUCKET,
        # ALB access logs support only SSE-S3 (AES256) on the destination bucket.
        encryption=ServerSideEncryptionRule(
            ServerSideEncryptionByDefault=ServerSideEncryptionByDefault(SSEAlgorithm="AES256")
        ),
        expiry=expiring("expire-access-logs", ACCESS_LOG_DAYS, noncurrent_days=7),
        tag="access-logs",
        writers=writers,
    )
    draft.skip_check(
        bucket,
        "CKV_AWS_18",
        "this bucket is the destination of access logs; logging its own access would need "
        "another log bucket, and that one a third",
    )
    return policy


def elb_log_principal(region: str) -> Principal:
    """Who writes ALB access logs in `region`: the Region's ELB account, or the service
    (data/elb_log_delivery.json)."""
    data = load("elb_log_delivery")
    account = data["account_by_region"].get(region)
    if account:
        return Principal("AWS", f"arn:aws:iam::{account}:root")
    return Principal("Service", data["service_principal"])


# ---------------------------------------------------------------- roles


def expiring(rule_id: str, days: int, *, noncurrent_days: int, **more: Any) -> LifecycleRule:
    """The lifecycle rule of a log bucket: logs expire `days` after delivery, and the versions
    they replace `noncurrent_days` after (`more`: further LifecycleRule properties)."""
    return LifecycleRule(
        Id=rule_id,
        Status="Enabled",
        ExpirationInDays=days,
        NoncurrentVersionExpiration=NoncurrentVersionExpiration(NoncurrentDays=noncurrent_days),
        **more,
    )


def log_delivery_role(
    draft: Draft,
    logical_id: str,
    trust: PolicyDocument,
    group: LogGroup,
    *,
    policy: str,
    actions: tuple[str, ...],
    tag: str,
) -> Role:
    """The role a service assumes (`trust`) to deliver its logs to `group`: one policy,
    named `policy`, allows it `actions` there."""
    return draft.add(
        Role(
            logical_id,
            AssumeRolePolicyDocument=trust,
            Policies=[
                Policy(
                    PolicyName=policy,
                    PolicyDocument=PolicyDocument(
                        Version="2012-10-17",
                        Statement=[
                            Statement(
                                Effect=Allow,
                                Action=[Action("logs", a) for a in actions],
                                # The group's ARN ends in :* and so covers its streams.
                                Resource=[GetAtt(group, "Arn")],
                            )
                        ],
                    ),
                )
            ],
            Tags=draft.tags(tag),
        )
    )


def service_role_trust(service: str, same_account: bool = False) -> PolicyDocument:
    """A trust policy letting an AWS service assume a role (only for this account's
    resources when `same_account`: the confused-deputy guard)."""
    condition = (
        {"Condition": Condition(StringEquals("aws:SourceAccount", Ref("AWS::AccountId")))}
        if same_account
        else {}
    )
    return PolicyDocument(
        Version="2012-10-17",
        Statement=[
            Statement(
                Effect=Allow,
                Principal=Principal("Service", service),
                Action=[Action("sts", "AssumeRole")],
                **condition,
            )
        ],
    )


# ---------------------------------------------------------------- security groups


def no_egress() -> SecurityGroupRule:
    """An egress rule that matches nothing (ICMP type 252, code 86, to the broadcast address).

    A security group declared with no inline egress keeps EC2's default allow-all rule beside
    any separate SecurityGroupEgress resource; declaring this rule replaces it. AWS::EC2::
    SecurityGroup: "When you create a security group, if you do not add egress rules, we add
    egress rules that allow all outbound IPv4 and IPv6 traffic. Otherwise, we do not add them"
    (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-ec2-securitygroup.html).
    """
    return SecurityGroupRule(
        IpProtocol="icmp",
        FromPort=252,
        ToPort=86,
        CidrIp="255.255.255.255/32",
        Description="No outbound traffic",
    )


def data_store_group(
    draft: Draft,
    logical_id: str,
    purpose: str,
    protocol: str,
    port: int,
    network: Network,
    task_sg: SecurityGroup,
) -> SecurityGroup:
    """A security group that admits `port` from the tasks only and lets nothing out; the
    tasks get the matching egress rule."""
    group = draft.add(
        SecurityGroup(
            logical_id,
            GroupDescription=f"{purpose.capitalize()}: {protocol} from the application tasks only",
            VpcId=Ref(network.vpc),
            SecurityGroupIngress=[
                SecurityGroupRule(
                    IpProtocol="tcp",
                    FromPort=port,
                    ToPort=port,
                    SourceSecurityGroupId=Ref(task_sg),
                    Description=f"{protocol} from the application tasks",
                )
            ],
            # A data store starts no connections.
            SecurityGroupEgress=[no_egress()],
            Tags=draft.tags(purpose),
        )
    )
    draft.needs.egress.append((purpose, f"{protocol} to the {purpose}", port, Ref(group)))
    return group


def secret_reading(read_sid: str, decrypt_sid: str, secret_arn: Any, key: Key) -> list[Statement]:
    """May read the one secret `secret_arn` and decrypt it with the environment's `key`, the
    key only through Secrets Manager (kms:ViaService)."""
    return [
        Statement(
            Sid=read_sid,
            Effect=Allow,
            Action=[Action("secretsmanager", "GetSecretValue")],
            Resource=[secret_arn],
        ),
        Statement(
            Sid=decrypt_sid,
            Effect=Allow,
            Action=[Action("kms", "Decrypt")],
            Resource=[GetAtt(key, "Arn")],
            Condition=Condition(
                StringEquals("kms:ViaService", Sub("secretsmanager.${AWS::Region}.amazonaws.com"))
            ),
        ),
    ]
