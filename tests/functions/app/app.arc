@app
functions-app

@http
get /visits
post /echo
get /asset
get /rows
post /publish

@ws

@events
ping

@queues
jobs

@tables
data
  scopeID *String
  dataID **String

@static
folder public
fingerprint true

@aws
region us-east-1
