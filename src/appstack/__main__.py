from appstack.cli import main

main()
