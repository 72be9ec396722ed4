@aws
tables-read users
