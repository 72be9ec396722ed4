# Functions whose code uses different things, for per-function roles (test_roles.py).
@app
rights

@http
get /notes
post /notes
get /login
get /admin
get /report

@ws

@tables
notes
  noteID *String
users
  userID *String

@events
audit

@queues
jobs
