"""Continuous delivery from pull requests: the GitHub Actions workflow (`workflow`) and the
stack that lets it reach AWS without stored keys (`access`: the OIDC provider and the roles
it may assume). Both are pure: settings in, text or a template out."""
