from vpdt.cli import main

main()
