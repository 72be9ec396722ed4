"""Table import from S3 and export to S3 (ImportTable, ExportTableToPointInTime and their
Describe/List operations): `jobs.Transfers` runs them, `imports`/`exports` hold DynamoDB's
rules, `formats` the item formats, `storage` the narrow object store they are handed."""
