# Cage Socket, as Architect users write it: JavaScript handlers with @architect/functions.
# One caged bird per open browser tab; turn yours and every other tab sees it move. It
# shares its page (public/ is ../cage_socket/public) with the Python example and speaks the
# same protocol. Run it with `pyarc sandbox` from this folder.
@app
cage-socket-js

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
runtime nodejs22.x
