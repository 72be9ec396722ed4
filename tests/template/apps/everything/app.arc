# Every pragma and option the template renders, loaded through pyarc.inventory.load.
@app
every-thing

@aws
region us-west-2
runtime python3.13
timeout 10

@http
get /
get /things/:id
post /things
any /api/*
get /admin

@ws
rotate

@static
fingerprint true

@cdn

@tables
notes
  noteID *String
  created **Number
  expires TTL
  pitr true
  encrypt true
users
  userID *String

@tables-indexes
notes
  userID *String
  created **Number
  name byUser
notes
  tag *String
  projection keys

@tables-streams
users

@events
account-created

@queues
work
bulk
  fifo false
  batchSize 100
  batchWindow 10

@scheduled
daily rate(1 day)
noon
  cron 0 12 * * ? *
  timezone Europe/Paris
