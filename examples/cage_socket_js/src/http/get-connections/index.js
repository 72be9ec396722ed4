// GET /connections: every open connection and where its bird is looking, as JSON.
// {"count": 2, "connections": [{"id": "...", "direction": "left", "connectedAt": 1795...}]}
const arc = require('@architect/functions')
const { liveConnections } = require('@architect/shared/aviary')

exports.handler = arc.http(async function connections () {
  const found = await liveConnections()
  return { json: { count: found.length, connections: found } }
})
