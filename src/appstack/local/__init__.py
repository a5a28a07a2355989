"""The local AWS emulator: a moto server with appstack's CloudFormation models."""
