// $connect: remember the new connection as a bird looking straight ahead. The record lives
// in the `data` table (see @architect/shared/aviary), with a `ttl` two hours ahead so
// DynamoDB sweeps it up even if `$disconnect` never runs.
const arc = require('@architect/functions')
const { CONNECTION_TTL_S, SCOPE } = require('@architect/shared/aviary')

exports.handler = async function connect (event) {
  const request = event.requestContext
  const connectedAtMs = request.connectedAt || Date.now()
  const data = await arc.tables()
  await data.data.put({
    scopeID: SCOPE,
    dataID: request.connectionId,
    direction: 'center',
    connectedAt: connectedAtMs,
    ttl: Math.floor(connectedAtMs / 1000) + CONNECTION_TTL_S,
  })
  return { statusCode: 200 }
}
