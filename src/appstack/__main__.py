from appstack.cli import run

run()
