"""Line items: what a template costs, one priced quantity at a time.

Resources are counted in the synthesized template (NAT gateways, alarms, secrets, keys, database
instances...), so the estimate follows whatever the blueprint builds. Usage that a template cannot
show (GB through NAT, requests, log volume) comes from the environment's `usage:` settings.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

from appstack.config import EnvironmentSettings, UsageSettings
from appstack.estimates.prices import CONFIRMED, PriceTable
from appstack.template import Template, literal_number, properties, ref_target, resources


@dataclass(frozen=True)
class LineItem:
    """One priced quantity: `quantity` units at `unit_price` = `monthly` USD."""

    capability: str
    item: str
    quantity: float
    unit: str
    unit_price: float
    monthly: float
    price_key: str
    status: str
    note: str = ""

    @property
    def confirmed(self) -> bool:
        """Whether its price is confirmed (a missing price is not)."""
        return self.status in CONFIRMED


class Pricer:
    """Builds line items: quantity x the table's price for a key."""

    def __init__(self, prices: PriceTable, usage: UsageSettings | None = None) -> None:
        self.prices = prices
        self.hours = prices.hours_per_month
        self.usage = usage or UsageSettings()

    def item(
        self, capability: str, item: str, quantity: float, unit: str, key: str, note: str = ""
    ) -> LineItem:
        price = self.prices.get(key)
        if price is None:
            note = f"no price {key!r} for {self.prices.region}; add it to data/prices"
            return LineItem(capability, item, quantity, unit, 0.0, 0.0, key, "missing", note)
        monthly = quantity * price.usd
        return LineItem(
            capability, item, quantity, unit, price.usd, monthly, key, price.status, note
        )

    def used(
        self,
        capability: str,
        item: str,
        setting: str,
        unit: str,
        key: str,
        scale: float = 1,
        also: str = "",
    ) -> LineItem:
        """An item priced on the `usage:` setting `setting` (times `scale`), which its note
        names (followed by `also`)."""
        quantity = getattr(self.usage, setting) * scale
        return self.item(capability, item, quantity, unit, key, f"usage.{setting}{also}")

    def public_ips(self, capability: str, count: int, what: str) -> LineItem:
        """`count` public IPv4 addresses, held all month."""
        hours = count * self.hours
        return self.item(capability, f"public IPv4: {what}", hours, "IP-hours", "public_ipv4_hour")


LineItems = Callable[[Template, EnvironmentSettings, Pricer], list[LineItem]]


def network_items(t: Template, env: EnvironmentSettings, p: Pricer) -> list[LineItem]:
    items: list[LineItem] = []
    nats = len(resources(t, "AWS::EC2::NatGateway"))
    if nats:
        items.append(
            p.item("network", "NAT gateway hours", nats * p.hours, "NAT-hours", "nat_gateway_hour")
        )
        items.append(
            p.used("network", "NAT gateway data processed", "nat_gb", "GB", "nat_gateway_gb")
        )
    eips = len(resources(t, "AWS::EC2::EIP"))
    if eips:
        items.append(p.public_ips("network", eips, f"{eips} Elastic IP(s)"))
    return items


def load_balancer_items(t: Template, env: EnvironmentSettings, p: Pricer) -> list[LineItem]:
    items: list[LineItem] = []
    for lb in resources(t, "AWS::ElasticLoadBalancingV2::LoadBalancer").values():
        props = properties(lb)
        if props.get("Type", "application") != "application":
            continue
        items.append(p.item("service", "load balancer hours", p.hours, "ALB-hours", "alb_hour"))
        capacity = ("alb_lcu", "LCU-hours", "alb_lcu_hour", p.hours)
        items.append(p.used("service", "load balancer capacity units", *capacity))
        if props.get("Scheme", "internet-facing") == "internet-facing":
            zones = len(props.get("Subnets") or props.get("SubnetMappings") or []) or 2
            items.append(p.public_ips("service", zones, f"load balancer, one per AZ ({zones})"))
    return items


def fargate_items(t: Template, env: EnvironmentSettings, p: Pricer) -> list[LineItem]:
    items: list[LineItem] = []
    task_defs = resources(t, "AWS::ECS::TaskDefinition")
    for service in resources(t, "AWS::ECS::Service").values():
        props = properties(service)
        task_def = task_defs.get(ref_target(props.get("TaskDefinition")) or "")
        if task_def is None:
            continue
        tprops = properties(task_def)
        tasks = literal_number(props.get("DesiredCount"), env.desired_count)
        vcpu = literal_number(tprops.get("Cpu"), env.cpu) / 1024
        memory_gb = literal_number(tprops.get("Memory"), env.memory) / 1024
        platform = tprops.get("RuntimePlatform") or {}
        arch = "arm" if platform.get("CpuArchitecture") == "ARM64" else "x86"
        label = f"{tasks:g} task(s) x {vcpu:g} vCPU / {memory_gb:g} GB, {arch}"
        items.append(
            p.item(
                "service",
                f"Fargate vCPU ({label})",
                tasks * vcpu * p.hours,
                "vCPU-hours",
                f"fargate_{arch}_vcpu_hour",
            )
        )
        items.append(
            p.item(
                "service",
                f"Fargate memory ({label})",
                tasks * memory_gb * p.hours,
                "GB-hours",
                f"fargate_{arch}_gb_hour",
            )
        )
    return items


def task_address_items(t: Template, env: EnvironmentSettings, p: Pricer) -> list[LineItem]:
    """Public IPv4 addresses of tasks that get one (`egress: public`): one per running task,
    billed like any other in-use address."""
    tasks = 0.0
    for service in resources(t, "AWS::ECS::Service").values():
        props = properties(service)
        network = (props.get("NetworkConfiguration") or {}).get("AwsvpcConfiguration") or {}
        if network.get("AssignPublicIp") == "ENABLED":
            tasks += literal_number(props.get("DesiredCount"), env.desired_count)
    if not tasks:
        return []
    return [
        p.item(
            "network",
            f"public IPv4: {tasks:g} task(s)",
            tasks * p.hours,
            "IP-hours",
            "public_ipv4_hour",
            "desired_count; each task scaled out adds one",
        )
    ]


def table_items(t: Template, env: EnvironmentSettings, p: Pricer) -> list[LineItem]:
    tables = [
        properties(r)
        for r in resources(t, "AWS::DynamoDB::Table").values()
        if properties(r).get("BillingMode") == "PAY_PER_REQUEST"
    ]
    if not tables:
        return []
    share = 1 / len(tables)  # the usage settings describe the application, split over its tables
    u = env.usage
    free = "; the first 25 GB per Region are free"
    items = [
        p.used(
            "table",
            "DynamoDB writes (on demand)",
            "table_writes_million",
            "million WRU",
            "dynamodb_wru_million",
        ),
        p.used(
            "table",
            "DynamoDB reads (on demand)",
            "table_reads_million",
            "million RRU",
            "dynamodb_rru_million",
        ),
        p.used(
            "table",
            "DynamoDB storage",
            "table_gb",
            "GB-months",
            "dynamodb_storage_gb_month",
            also=free,
        ),
    ]
    pitr = sum(
        share
        for props in tables
        if (props.get("PointInTimeRecoverySpecification") or {}).get("PointInTimeRecoveryEnabled")
        is True
    )
    if pitr:
        items.append(
            p.item(
                "table",
                "DynamoDB point-in-time recovery",
                u.table_gb * pitr,
                "GB-months",
                "dynamodb_pitr_gb_month",
            )
        )
    return items


def database_items(t: Template, env: EnvironmentSettings, p: Pricer) -> list[LineItem]:
    items: list[LineItem] = []
    instances = resources(t, "AWS::RDS::DBInstance").values()
    for cluster_id, cluster in resources(t, "AWS::RDS::DBCluster").items():
        props = properties(cluster)
        scaling = props.get("ServerlessV2ScalingConfiguration")
        if not scaling:
            continue
        members = [
            i
            for i in instances
            if ref_target(properties(i).get("DBClusterIdentifier")) == cluster_id
            and properties(i).get("DBInstanceClass") == "db.serverless"
        ]
        acu = env.usage.database_acu
        if acu is None:
            acu = literal_number(scaling.get("MinCapacity"), env.database.min_capacity)
        io_optimized = props.get("StorageType") == "aurora-iopt1"
        suffix = "_io_optimized" if io_optimized else ""
        items.append(
            p.item(
                "database",
                f"Aurora Serverless v2: {len(members)} instance(s) x {acu:g} ACU",
                len(members) * acu * p.hours,
                "ACU-hours",
                f"aurora_sv2_acu_hour{suffix}",
                "usage.database_acu (default: the minimum capacity)",
            )
        )
        storage = f"aurora_storage_gb_month{suffix}"
        items.append(p.used("database", "Aurora storage", "database_gb", "GB-months", storage))
        if not io_optimized:
            io = ("database_io_million", "million I/O", "aurora_io_million")
            items.append(p.used("database", "Aurora I/O requests", *io))
    return items


def cache_items(t: Template, env: EnvironmentSettings, p: Pricer) -> list[LineItem]:
    items: list[LineItem] = []
    groups = [
        (properties(r), None) for r in resources(t, "AWS::ElastiCache::ReplicationGroup").values()
    ] + [
        (properties(r), literal_number(properties(r).get("NumCacheNodes"), 1))
        for r in resources(t, "AWS::ElastiCache::CacheCluster").values()
    ]
    for props, fixed_nodes in groups:
        if fixed_nodes is not None:
            nodes = fixed_nodes
        elif "NumCacheClusters" in props:
            nodes = literal_number(props["NumCacheClusters"], env.cache.nodes)
        elif "NumNodeGroups" in props or "ReplicasPerNodeGroup" in props:
            shards = literal_number(props.get("NumNodeGroups"), 1)
            nodes = shards * (literal_number(props.get("ReplicasPerNodeGroup"), 0) + 1)
        else:
            nodes = env.cache.nodes
        node_type = props.get("CacheNodeType", env.cache.node_type)
        engine = str(props.get("Engine", env.cache.engine)).lower()
        line = p.item(
            "cache",
            f"ElastiCache {engine}: {nodes:g} x {node_type}",
            nodes * p.hours,
            "node-hours",
            f"elasticache_node_hour:{node_type}",
        )
        if engine == "valkey" and line.status != "missing":
            factor = p.prices.get("elasticache_valkey_node_factor")
            if factor is not None:
                line = replace(
                    line,
                    unit_price=line.unit_price * factor.usd,
                    monthly=line.monthly * factor.usd,
                    status=factor.status if factor.status == "unconfirmed" else line.status,
                    note=f"Valkey = Redis OSS price x {factor.usd:g}",
                )
        items.append(line)
    return items


def firewall_items(t: Template, env: EnvironmentSettings, p: Pricer) -> list[LineItem]:
    items: list[LineItem] = []
    for acl in resources(t, "AWS::WAFv2::WebACL").values():
        rules = len(properties(acl).get("Rules") or [])
        items.append(p.item("firewall", "WAF web ACL", 1, "ACL-months", "waf_web_acl_month"))
        if rules:
            items.append(
                p.item(
                    "firewall",
                    f"WAF rules ({rules}; a rule group counts as one)",
                    rules,
                    "rule-months",
                    "waf_rule_month",
                )
            )
        inspected = ("requests_million", "million requests", "waf_requests_million")
        items.append(p.used("firewall", "WAF requests inspected", *inspected))
    return items


def vpn_items(t: Template, env: EnvironmentSettings, p: Pricer) -> list[LineItem]:
    connections = len(resources(t, "AWS::EC2::VPNConnection"))
    if not connections:
        return []
    return [
        p.item(
            "vpn",
            f"site-to-site VPN connection(s) ({connections})",
            connections * p.hours,
            "connection-hours",
            "vpn_connection_hour",
            "virtual private gateway and customer gateway are free",
        )
    ]


def config_items(t: Template, env: EnvironmentSettings, p: Pricer) -> list[LineItem]:
    items: list[LineItem] = []
    if resources(t, "AWS::Config::ConfigurationRecorder"):
        recorded = ("config_items", "configuration items", "config_ci")
        items.append(p.used("config", "AWS Config items recorded", *recorded))
    rules = len(resources(t, "AWS::Config::ConfigRule"))
    if rules:
        evaluated = ("config_evaluations_per_rule", "evaluations", "config_rule_eval", rules)
        items.append(p.used("config", f"AWS Config rule evaluations ({rules} rules)", *evaluated))
    return items


def audit_items(t: Template, env: EnvironmentSettings, p: Pricer) -> list[LineItem]:
    trails = resources(t, "AWS::CloudTrail::Trail")
    if not trails:
        return []
    items = [
        p.item(
            "audit",
            "CloudTrail management events (first copy per Region)",
            len(trails),
            "trails",
            "cloudtrail_mgmt_first_copy",
            "free only if no other trail in the account already records them",
        ),
        p.used(
            "audit", "CloudTrail log files in S3", "trail_gb", "GB-months", "s3_standard_gb_month"
        ),
    ]
    has_data_events = any(
        sel.get("DataResources")
        for trail in trails.values()
        for sel in properties(trail).get("EventSelectors") or []
        if isinstance(sel, Mapping)
    ) or any(properties(trail).get("AdvancedEventSelectors") for trail in trails.values())
    if has_data_events:
        events = ("trail_data_events_million", "100,000 events", "cloudtrail_data_events_100k", 10)
        items.append(p.used("audit", "CloudTrail data events", *events))
    return items


def secrets_items(t: Template, env: EnvironmentSettings, p: Pricer) -> list[LineItem]:
    # A cluster whose master password RDS manages has a secret of its own, billed like any
    # other, and rotated by RDS.
    managed = [
        c
        for c in resources(t, "AWS::RDS::DBCluster", "AWS::RDS::DBInstance").values()
        if c.get("Properties", {}).get("ManageMasterUserPassword") is True
    ]
    secrets = len(resources(t, "AWS::SecretsManager::Secret")) + len(managed)
    if not secrets:
        return []
    rotations = len(resources(t, "AWS::SecretsManager::RotationSchedule")) + len(managed)
    return [
        p.item(
            "secrets",
            f"Secrets Manager secrets ({secrets}, {rotations} rotated)",
            secrets,
            "secret-months",
            "secrets_secret_month",
        ),
        p.item(
            "secrets",
            "Secrets Manager API calls",
            env.usage.secret_api_calls / 10_000,
            "10,000 calls",
            "secrets_api_10k",
            "usage.secret_api_calls",
        ),
    ]


def tracing_items(t: Template, env: EnvironmentSettings, p: Pricer) -> list[LineItem]:
    if not resources(t, "AWS::XRay::SamplingRule", "AWS::XRay::Group"):
        return []
    free = p.prices.get("xray_free_traces_million")
    billable = max(0.0, env.usage.traces_million - (free.usd if free else 0.0))
    item, note = "X-Ray traces recorded (beyond the free 100,000)", "usage.traces_million"
    return [p.item("tracing", item, billable, "million traces", "xray_recorded_million", note)]


def insights_items(t: Template, env: EnvironmentSettings, p: Pricer) -> list[LineItem]:
    if not resources(t, "AWS::ApplicationInsights::Application"):
        return []
    item = "Application Insights (no fee of its own)"
    note = "the alarms and logs it sets up bill at CloudWatch rates"
    return [LineItem("insights", item, 1, "applications", 0.0, 0.0, "", "confirmed", note)]


def backup_items(t: Template, env: EnvironmentSettings, p: Pricer) -> list[LineItem]:
    if not resources(t, "AWS::Backup::BackupPlan"):
        return []
    stored = ("backup_gb", "GB-months", "backup_dynamodb_warm_gb_month")
    rate = ", at the DynamoDB backup rate"
    return [p.used("backup", "AWS Backup storage (warm)", *stored, also=rate)]


def monitoring_items(t: Template, env: EnvironmentSettings, p: Pricer) -> list[LineItem]:
    items: list[LineItem] = []
    groups = resources(t, "AWS::Logs::LogGroup")
    if groups:
        ingested = f"CloudWatch Logs ingested ({len(groups)} log groups)"
        items.append(p.used("logs", ingested, "log_gb", "GB", "cw_logs_ingest_gb"))
        stored = env.usage.log_gb * env.log_retention_days / 30
        items.append(
            p.item(
                "logs",
                f"CloudWatch Logs stored ({env.log_retention_days} days kept)",
                stored,
                "GB-months",
                "cw_logs_storage_gb_month",
                "steady state: monthly volume x retention",
            )
        )
    alarms = len(resources(t, "AWS::CloudWatch::Alarm"))
    if alarms:
        items.append(
            p.item("alarms", f"CloudWatch alarms ({alarms})", alarms, "alarms", "cw_alarm_month")
        )
    keys = len(resources(t, "AWS::KMS::Key"))
    if keys:
        items.append(
            p.item("encryption", f"KMS keys ({keys})", keys, "key-months", "kms_key_month")
        )
    return items


#: Every line-item builder, in the order a bill reads.
LINE_ITEMS: tuple[LineItems, ...] = (
    network_items,
    task_address_items,
    load_balancer_items,
    fargate_items,
    table_items,
    database_items,
    cache_items,
    firewall_items,
    vpn_items,
    config_items,
    audit_items,
    secrets_items,
    tracing_items,
    insights_items,
    backup_items,
    monitoring_items,
)
