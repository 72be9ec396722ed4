"""One module per pragma: plain manifest items -> typed Inventory parts."""
