from pyarc.cli import main

main()
