# Cage Socket: one caged bird per open browser tab; turn your bird's head and
# every other tab sees it move. Run it with `pyarc sandbox` from this folder.
@app
cage-socket

@ws

@http
get /
get /connections

@tables
data
  scopeID *String
  dataID **String
  ttl TTL

@static
folder public
fingerprint true

@cdn

@aws
region us-east-1
