"""Plain manifest data -> typed Inventory. `load(cwd)` is the entry point."""
