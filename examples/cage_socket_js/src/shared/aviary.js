// The aviary: one record per open connection in the `data` table, and the state frame
// every tab receives when a bird arrives, turns or leaves (the same protocol as the Python
// example's shared/aviary.py, so both serve one page).
//
// A record lives under scopeID "connection", dataID = the connection id, with `direction`,
// `connectedAt` (epoch ms) and a `ttl` two hours ahead (API Gateway's own connection limit)
// so DynamoDB sweeps it up even if `$disconnect` never runs. Once the tab has said hello it
// also holds the bird's `colour` (an index into client.js's PALETTE), `name` and the `tab`
// id the browser tab keeps in sessionStorage (never sent to other tabs).
const arc = require('@architect/functions')

const SCOPE = 'connection'
const CONNECTION_TTL_S = 2 * 60 * 60 // API Gateway closes every WebSocket after 2 hours
const CONNECT_GRACE_MS = 10000 // a record this young may belong to a handshake in flight
const COLOURS = 8 // PALETTE.length in public/client.js
const NAMES = [
  'Pip', 'Juno', 'Kiwi', 'Mango', 'Biscuit', 'Pepper', 'Tango', 'Olive',
  'Noodle', 'Sunny', 'Ziggy', 'Maple', 'Poppy', 'Rio', 'Basil', 'Clementine',
]

// Every stored connection whose TTL has not passed, oldest first (`withTabs`: with each
// one's `tab` id too, for choosing a bird; frames never carry it).
async function liveConnections ({ withTabs = false } = {}) {
  const data = await arc.tables()
  const items = []
  let page = {}
  do {
    page = await data.data.query({
      KeyConditionExpression: 'scopeID = :scope',
      ExpressionAttributeValues: { ':scope': SCOPE },
      ...(page.LastEvaluatedKey ? { ExclusiveStartKey: page.LastEvaluatedKey } : {}),
    })
    items.push(...page.Items)
  } while (page.LastEvaluatedKey)
  const nowS = Math.floor(Date.now() / 1000)
  return items
    .filter(item => number(item.ttl) > nowS)
    .map(item => ({
      id: item.dataID,
      direction: item.direction ?? 'center',
      connectedAt: number(item.connectedAt),
      colour: 'colour' in item ? number(item.colour) : null,
      name: item.name ?? null,
      ...(withTabs ? { tab: item.tab ?? null } : {}),
    }))
    .sort((a, b) => a.connectedAt - b.connectedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
}

// Send `payload` to every connection at once; return the ids that were gone. Any other
// failure is thrown once every send has finished.
async function broadcast (ids, payload) {
  const unique = [ ...new Set(ids) ]
  const outcomes = await Promise.allSettled(unique.map(id => arc.ws.send({ id, payload })))
  const gone = []
  let failure = null
  outcomes.forEach((outcome, index) => {
    if (outcome.status === 'fulfilled') return
    if (isGone(outcome.reason)) gone.push(unique[index])
    else failure = failure ?? outcome.reason
  })
  if (failure) throw failure
  return gone
}

// Send the full state to every connection but `exclude`; forget the ones that are gone and
// send the state again without them. Returns the connections as they stand afterwards.
async function broadcastState (cause, exclude = null) {
  let connections = await liveConnections()
  let frame = { type: 'state', cause, connections }
  const gone = await broadcast(connections.map(c => c.id).filter(id => id !== exclude), frame)
  if (gone.length && await forgetStale(gone, connections)) {
    connections = connections.filter(c => !gone.includes(c.id))
    frame = { ...frame, connections }
    await broadcast(connections.map(c => c.id).filter(id => id !== exclude), frame)
  }
  return connections
}

// Delete the records of gone connections older than the grace period; return how many.
async function forgetStale (ids, connections) {
  const data = await arc.tables()
  const cutoffMs = Date.now() - CONNECT_GRACE_MS
  const stale = connections.filter(c => ids.includes(c.id) && c.connectedAt < cutoffMs)
  await Promise.all(stale.map(c => data.data.delete({ scopeID: SCOPE, dataID: c.id })))
  return stale.length
}

// The colour and name for connection `me`: the ones it asks for (what its tab had before a
// reconnect) when no other tab's bird has them, else the first free ones; once every colour
// (or name) is taken, the least used. Connections of the same `tab` do not count as others.
function chooseBird (me, connections, colour, name, tab = null) {
  const others = connections.filter(c => c.id !== me && !(tab && c.tab === tab))
  const colours = others.map(c => c.colour).filter(c => c !== null && c !== undefined)
  const names = others.map(c => c.name).filter(Boolean)
  const count = (list, value) => list.filter(v => v === value).length
  const leastUsed = (options, used) =>
    options.reduce((best, option) => (count(used, option) < count(used, best) ? option : best))
  if (colour === null || colours.includes(colour)) {
    colour = leastUsed([ ...Array(COLOURS).keys() ], colours)
  }
  if (name === null || names.includes(name)) name = leastUsed(NAMES, names)
  return { colour, name }
}

function isGone (error) {
  return error?.statusCode === 410 || error?.name === 'GoneException'
}

function number (value) {
  return Number.isInteger(value) ? value : 0
}

module.exports = {
  SCOPE, CONNECTION_TTL_S, COLOURS, NAMES,
  liveConnections, broadcast, broadcastState, forgetStale, chooseBird, isGone,
}
