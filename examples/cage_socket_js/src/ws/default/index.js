// $default: every message from a tab arrives here. Messages are JSON text frames:
//
//   {"action": "hello", "tab": "<id>", "colour": 3, "name": "Kiwi"}   (all optional)
//     -> the connection gets a colour and a name: the ones asked for (what the tab had
//        before a reconnect) unless another bird has them, else free ones. The sender gets
//        {"type": "welcome", "you": <its id>, "connections": [...]}, everyone else
//        {"type": "state", ...} so the newcomer appears.
//   {"action": "direction", "direction": "left" | "center" | "right", "ref": "optional"}
//     -> that connection's bird turns; everyone gets {"type": "state", ...}.
//
// A state frame is {"type": "state", "cause": {...}, "connections": [{"id", "direction",
// "connectedAt", "colour", "name"}, ...]}; `cause.ref` echoes the sender's `ref`. Anything
// else gets {"type": "error", "error": <code>, "message": <sentence>} back to the sender.
const arc = require('@architect/functions')
const {
  COLOURS, CONNECTION_TTL_S, NAMES, SCOPE,
  broadcastState, chooseBird, isGone, liveConnections,
} = require('@architect/shared/aviary')

const DIRECTIONS = [ 'left', 'center', 'right' ]
const MAX_MESSAGE_BYTES = 1024
const MAX_REF_CHARS = 64
const TAB_ID = /^[A-Za-z0-9-]{1,64}$/
const EXAMPLE = '{"action": "direction", "direction": "left"}'

class BadMessage extends Error {
  constructor (code, message) {
    super(message)
    this.frame = { type: 'error', error: code, message }
  }
}

// The message in a frame's body ({ hello } or { turn }), or a BadMessage saying what is wrong.
function parseMessage (body, isBase64) {
  if (isBase64) throw new BadMessage('binary-frame', `Send text frames holding JSON such as ${EXAMPLE}.`)
  if (!body) throw new BadMessage('empty-message', `The message was empty; send JSON such as ${EXAMPLE}.`)
  const size = Buffer.byteLength(body)
  if (size > MAX_MESSAGE_BYTES) {
    throw new BadMessage('too-large',
      `The message was ${size} bytes; messages may be at most ${MAX_MESSAGE_BYTES} bytes.`)
  }
  let message
  try {
    message = JSON.parse(body)
  }
  catch {
    throw new BadMessage('invalid-json', `The message was not JSON; send e.g. ${EXAMPLE}.`)
  }
  if (message === null || typeof message !== 'object' || Array.isArray(message)) {
    throw new BadMessage('not-an-object', `The message must be a JSON object such as ${EXAMPLE}.`)
  }
  const { ref = null, action } = message
  if (ref !== null && !(typeof ref === 'string' && ref.length <= MAX_REF_CHARS)) {
    throw new BadMessage('bad-ref', `\`ref\` must be a string of at most ${MAX_REF_CHARS} characters.`)
  }
  if (action === 'hello') {
    const { colour, name, tab } = message
    return {
      hello: {
        ref,
        colour: Number.isInteger(colour) && colour >= 0 && colour < COLOURS ? colour : null,
        name: NAMES.includes(name) ? name : null,
        tab: typeof tab === 'string' && TAB_ID.test(tab) ? tab : null,
      },
    }
  }
  if (action === 'direction') {
    const { direction } = message
    if (!DIRECTIONS.includes(direction)) {
      throw new BadMessage('unknown-direction',
        `Direction ${JSON.stringify(direction ?? null)} is not one of left, center or right.`)
    }
    return { turn: { direction, ref } }
  }
  throw new BadMessage('unknown-action',
    `Action ${JSON.stringify(action ?? null)} is unknown; use "hello" or "direction".`)
}

exports.handler = async function message (event) {
  const connectionId = event.requestContext.connectionId
  let parsed
  try {
    parsed = parseMessage(event.body, Boolean(event.isBase64Encoded))
  }
  catch (error) {
    if (!(error instanceof BadMessage)) throw error
    await sendQuietly(connectionId, error.frame)
    return { statusCode: 400 }
  }
  if (parsed.turn) {
    const { direction, ref } = parsed.turn
    await updateBird(connectionId, { direction })
    const cause = { kind: 'turn', id: connectionId, direction }
    await broadcastState(ref ? { ...cause, ref } : cause)
  }
  else {
    const { ref, tab } = parsed.hello
    const others = await liveConnections({ withTabs: true })
    const { colour, name } = chooseBird(connectionId, others, parsed.hello.colour, parsed.hello.name, tab)
    await updateBird(connectionId, { colour, name, tab: tab || connectionId })
    const connections = await broadcastState({ kind: 'join', id: connectionId }, connectionId)
    const welcome = { type: 'welcome', you: connectionId, connections }
    await sendQuietly(connectionId, ref ? { ...welcome, ref } : welcome)
  }
  return { statusCode: 200 }
}

// Set `values` on this connection's record, recreating it (looking ahead, with its TTL) if
// it was swept up meanwhile.
async function updateBird (connectionId, values) {
  const nowMs = Date.now()
  const keep = { direction: 'center', connectedAt: nowMs, ttl: Math.floor(nowMs / 1000) + CONNECTION_TTL_S }
  const sets = Object.keys(values).map(key => `#${key} = :${key}`)
  for (const key of Object.keys(keep)) {
    if (!(key in values)) sets.push(`#${key} = if_not_exists(#${key}, :${key})`)
  }
  const all = { ...keep, ...values }
  const data = await arc.tables()
  await data.data.update({
    Key: { scopeID: SCOPE, dataID: connectionId },
    UpdateExpression: 'SET ' + sets.join(', '),
    ExpressionAttributeNames: Object.fromEntries(Object.keys(all).map(key => [ `#${key}`, key ])),
    ExpressionAttributeValues: Object.fromEntries(Object.entries(all).map(([ key, value ]) => [ `:${key}`, value ])),
  })
}

// Reply to one connection; a sender that already left needs no answer.
async function sendQuietly (connectionId, frame) {
  try {
    await arc.ws.send({ id: connectionId, payload: frame })
  }
  catch (error) {
    if (!isGone(error)) throw error
  }
}
