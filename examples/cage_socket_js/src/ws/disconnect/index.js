// $disconnect: forget the connection and show everyone the aviary without it.
const arc = require('@architect/functions')
const { SCOPE, broadcastState } = require('@architect/shared/aviary')

exports.handler = async function disconnect (event) {
  const connectionId = event.requestContext.connectionId
  const data = await arc.tables()
  await data.data.delete({ scopeID: SCOPE, dataID: connectionId })
  await broadcastState({ kind: 'leave', id: connectionId })
  return { statusCode: 200 }
}
