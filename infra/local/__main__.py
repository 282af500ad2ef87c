from infra.local.server import main

main()
