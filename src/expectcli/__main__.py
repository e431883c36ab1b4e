from expectcli.cli.fast import main

main()
