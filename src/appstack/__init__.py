"""appstack: a production-grade AWS environment for one containerized web application."""

__version__ = "0.1.0"
