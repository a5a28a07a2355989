"""The commented appstack.yaml that `appstack init` writes (it equals the built-in defaults)."""

from __future__ import annotations

INIT_TEXT = """\
# appstack.yaml: one containerized web application on AWS, environment by environment.
# Every key is optional; what is left out takes the default shown here.
# Reference: README.md, section "Configuration".

# Prefixes stack and resource names (ApplicationName): 1-24 lowercase letters, digits, hyphens.
application_name: myapp
# Container image the service runs, and the port it listens on.
image: public.ecr.aws/nginx/nginx:stable
port: 80
# The load balancer calls this path; any 200-399 answer means healthy.
health_check_path: /
# AWS Region (used for prices, the load balancer's log delivery and deploys).
region: us-east-1
# Keys of the DynamoDB table (strings). Set sort_key to null for a table without one.
partition_key: pk
sort_key: sk
# The application's own secrets, each an environment variable in the container; give each
# environment its value with `appstack secret set ENV NAME` (hidden prompt or stdin).
secrets: []

# dev, staging and prod always exist; list only what you change. Add environments freely
# (each needs its own vpc_cidr).
environments:
  dev:
    vpc_cidr: 10.10.0.0/16      # private range, /16 to /24, not overlapping other envs
    nat_gateways: 1             # 1 (cheaper) or 2 (one per AZ: survives an AZ outage)
    cpu: 256                    # Fargate task size: 256 = 0.25 vCPU
    memory: 512                 # MiB; must be a valid pair with cpu
    architecture: X86_64        # or ARM64 (Graviton: about 20% cheaper; needs an arm64 image)
    desired_count: 1
    min_count: 1                # autoscaling bounds (target: 60% CPU)
    max_count: 2
    log_retention_days: 14
    phase: 1                    # default phase for `appstack deploy` / `synth`
    # keep_images: 30           # images the ECR repository keeps (newest); older ones expire
    exec: true                  # appstack exec: a shell in a running task (ECS Exec); dev only
    # alarm_email: ops@example.com
    # certificate_arn: arn:aws:acm:us-east-1:123456789012:certificate/...  (enables HTTPS)
    # features: {firewall: true, vpn: false}   # switch single capabilities on or off
  staging:
    vpc_cidr: 10.20.0.0/16
    cpu: 512
    memory: 1024
    desired_count: 2
    min_count: 2
    max_count: 4
  prod:
    vpc_cidr: 10.30.0.0/16
    nat_gateways: 2
    cpu: 1024
    memory: 2048
    desired_count: 2
    min_count: 2
    max_count: 10
    log_retention_days: 90
    deletion_protection: true   # table, load balancer, database and stack refuse deletion
    database:                   # phase 2: Aurora Serverless v2 (ACU = Aurora capacity units)
      min_capacity: 0.5
      max_capacity: 8
      readers: 1
    cache:                      # phase 3: ElastiCache
      node_type: cache.t4g.small
      nodes: 2
      snapshot_retention_days: 7   # days of automatic snapshots (0-35)
"""
