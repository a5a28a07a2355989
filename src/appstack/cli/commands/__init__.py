"""One module per command, named after it (`appstack.cli.COMMANDS` lists them)."""
