@app
bus-test

@http
post /publish

@events
ping
crash
blocked

@queues
jobs
flaky
  fifo false

@scheduled
tick rate(1 day)

@tables
log
  pk *String
  sk **String
data
  id *String

@tables-streams
data
