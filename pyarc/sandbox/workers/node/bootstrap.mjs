// pyarc's Node.js runtime bootstrap: the Node twin of ../runtime.py (no dependencies).
//
// Run by the pool as `node bootstrap.mjs <settings JSON>` with the socket fd the pool passed.
// It loads the handler once (Lambda's init phase), then answers invocations one at a time, so
// module state survives as in a warm Lambda. Frames: 4-byte big-endian length + UTF-8 JSON,
// exactly the TypedDicts of ../runtime.py (ReadyFrame, InitErrorFrame, InvokeFrame,
// ResultFrame, ErrorFrame); errors are shaped as Lambda's Node.js runtime reports them
// ({errorType, errorMessage, trace}). After each invocation the settings' `marker` is written
// to stdout so the pool knows that invocation's output is complete.
import fs from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import util from 'node:util'
import { createRequire, register } from 'node:module'
import { pathToFileURL } from 'node:url'

const settings = JSON.parse(process.argv[2])
const { fd, handler: handlerName, src, marker, maxResponseBytes, accountVariable, resolveFrom } = settings
const accountId = process.env[accountVariable] || ''
delete process.env[accountVariable] // the handler never sees it (as runtime.py does)
process.argv.splice(2) // the handler sees `node <bootstrap>` only
const BOOTSTRAP = new URL(import.meta.url).pathname
let requestId // undefined during init: Lambda's init log lines say `undefined` too

// -- console: Lambda's text format `<ISO time>\t<request id>\t<LEVEL>\t<message>` -------------
function patchConsole () {
  const levels = { log: 'INFO', info: 'INFO', warn: 'WARN', error: 'ERROR', debug: 'DEBUG', trace: 'TRACE' }
  for (const [method, level] of Object.entries(levels)) {
    console[method] = (...args) => {
      let message = util.format(...args)
      if (method === 'trace') message = `Trace: ${message}\n${new Error().stack.split('\n').slice(2).join('\n')}`
      process.stdout.write(`${new Date().toISOString()}\t${requestId}\t${level}\t${message}\n`)
    }
  }
}

// -- errors: Lambda's Node.js runtime payload (Errors.toRapidResponse) ------------------------
// a stack's lines up to this bootstrap's first frame (the rest is the runtime's, not the user's)
function userStack (stack) {
  const lines = String(stack).split('\n')
  const at = lines.findIndex(line => line.includes(import.meta.url) || line.includes(`(${BOOTSTRAP}:`))
  return at > 0 ? lines.slice(0, at) : lines
}

function errorBody (error) {
  try {
    if (util.types.isNativeError(error) || (error && typeof error.stack === 'string' && error.message !== undefined)) {
      return { errorType: error.name, errorMessage: error.message, trace: userStack(error.stack) }
    }
    return { errorType: typeof error, errorMessage: String(error), trace: [] }
  }
  catch {
    return {
      errorType: 'handled',
      errorMessage: 'callback called with Error argument, but there was a problem while retrieving one or more of its message, name, and stack',
      trace: [],
    }
  }
}

function runtimeError (errorType, message, cause) {
  const stack = cause && cause.stack ? userStack(cause.stack).slice(1) : []
  return { errorType, errorMessage: message, trace: [`${errorType}: ${message}`, ...stack] }
}

// -- the channel ----------------------------------------------------------------------------
const socket = new net.Socket({ fd, readable: true, writable: true })
let pending = Buffer.alloc(0)

function send (frame) {
  const body = Buffer.from(typeof frame === 'string' ? frame : JSON.stringify(frame))
  const header = Buffer.alloc(4)
  header.writeUInt32BE(body.length)
  socket.write(Buffer.concat([header, body]))
}

function endOfOutput () {
  try { fs.writeSync(1, marker) } catch {}
}

// -- loading the handler (Lambda's UserFunction.load) -----------------------------------------
class Fault extends Error {
  constructor (errorType, message, cause) {
    super(message)
    this.body = runtimeError(errorType, message, cause)
  }
}

const SYNTAX = new Set(['SyntaxError'])

async function loadModule (modulePath) {
  const require = createRequire(path.join(src, 'index.js'))
  const candidates = ['.js', '.mjs', '.cjs'].map(ext => modulePath + ext)
  const file = candidates.find(f => fs.existsSync(f))
  try {
    if (!file) return require(require.resolve(path.basename(modulePath), { paths: [src] }))
    if (file.endsWith('.mjs')) return await import(pathToFileURL(file).href)
    try {
      return require(file)
    }
    catch (error) {
      if (error && error.code === 'ERR_REQUIRE_ESM') return await import(pathToFileURL(file).href)
      throw error
    }
  }
  catch (error) {
    if (error && SYNTAX.has(error.name)) {
      throw new Fault('Runtime.UserCodeSyntaxError', `${error.name}: ${error.message}`, error)
    }
    if (error && ['MODULE_NOT_FOUND', 'ERR_MODULE_NOT_FOUND'].includes(error.code)) {
      const message = file ? `${error}` : `Error: Cannot find module '${path.basename(modulePath)}'\nRequire stack:\n- ${BOOTSTRAP}`
      throw new Fault('Runtime.ImportModuleError', message, error)
    }
    throw error
  }
}

async function loadHandler () {
  const match = handlerName.match(/^([^.]*)\.(.*)$/)
  if (!match) throw new Fault('Runtime.MalformedHandlerName', 'Bad handler')
  const [, moduleName, handlerPath] = match
  const loaded = await loadModule(path.resolve(src, moduleName))
  let handler = loaded
  for (const part of handlerPath.split('.')) handler = handler == null ? undefined : handler[part]
  if (typeof handler !== 'function' && loaded && loaded.default && typeof loaded.default === 'object') {
    // a CommonJS module imported as ESM keeps its exports on `default`
    handler = handlerPath.split('.').reduce((at, part) => (at == null ? undefined : at[part]), loaded.default)
  }
  if (typeof handler !== 'function') {
    throw new Fault('Runtime.HandlerNotFound', `${handlerName} is undefined or not exported`)
  }
  return handler
}

// -- one invocation ---------------------------------------------------------------------------
let current = null // { id, done } while an invocation runs

function lambdaContext (frame, finish) {
  const env = process.env
  const name = env.AWS_LAMBDA_FUNCTION_NAME || ''
  const region = env.AWS_REGION || 'us-east-1'
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: name,
    functionVersion: env.AWS_LAMBDA_FUNCTION_VERSION || '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${region}:${accountId}:function:${name}`,
    memoryLimitInMB: env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE, // a string, as on AWS
    awsRequestId: frame.id,
    logGroupName: env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: env.AWS_LAMBDA_LOG_STREAM_NAME,
    identity: undefined,
    clientContext: undefined,
    getRemainingTimeInMillis: () => Math.max(Math.floor(frame.deadline_ms - Date.now()), 0),
    // the legacy completion methods, still in Lambda's Node.js runtime
    succeed: result => finish(null, result, false),
    fail: error => finish(error ?? 'handled', undefined, false),
    done: (error, result) => finish(error, result, false),
  }
}

function reply (id, error, result) {
  endOfOutput()
  const rss = process.memoryUsage.rss()
  if (error !== null && error !== undefined) {
    send({ id, ok: false, error: errorBody(error), rss })
    return
  }
  let payload
  try {
    payload = JSON.stringify(result === undefined ? null : result)
  }
  catch (e) {
    send({ id, ok: false, error: runtimeError('Runtime.MarshalError', `Unable to stringify response body: ${e.message}`), rss })
    return
  }
  const size = Buffer.byteLength(payload)
  if (size > maxResponseBytes) {
    // Lambda's own words, as runtime.py gives them
    const errorMessage = `Response payload size (${size} bytes) exceeded maximum allowed payload size (${maxResponseBytes} bytes).`
    send({ id, ok: false, rss, error: { errorType: 'Function.ResponseSizeTooLarge', errorMessage, trace: [] } })
    return
  }
  send(`{"id":${JSON.stringify(id)},"ok":true,"rss":${rss},"payload":${payload}}`)
}

// `callbackWaitsForEmptyEventLoop`: the reply waits until nothing but our socket is pending
function whenLoopEmpty (action) {
  socket.unref()
  process.once('beforeExit', () => {
    socket.ref()
    action()
  })
}

function invoke (handler, frame) {
  requestId = frame.id
  let settled = false
  const finish = (error, result, waitForLoop) => {
    if (settled) return
    settled = true
    const deliver = () => {
      current = null
      reply(frame.id, error, result)
    }
    if (waitForLoop && context.callbackWaitsForEmptyEventLoop) whenLoopEmpty(deliver)
    else deliver()
  }
  const context = lambdaContext(frame, finish)
  current = { id: frame.id }
  const callback = (error, result) => finish(error, result, true)
  let returned
  try {
    returned = handler(frame.event, context, callback)
  }
  catch (error) {
    finish(error ?? 'handled', undefined, false)
    return
  }
  if (returned && typeof returned.then === 'function') {
    returned.then(result => finish(null, result, false), error => finish(error ?? 'handled', undefined, false))
  }
  else if (!settled) {
    // no promise: Lambda answers with the callback's value, or null once the loop is empty
    whenLoopEmpty(() => finish(null, undefined, false))
  }
}

// -- what Lambda does with errors nobody caught: report them, then the runtime exits --------
function fatal (body, status) {
  if (current) {
    endOfOutput()
    send({ id: current.id, ok: false, error: body, rss: process.memoryUsage.rss(), fatal: true })
  }
  socket.end(() => process.exit(status))
  setTimeout(() => process.exit(status), 200).unref()
}

process.on('uncaughtException', error => {
  console.error('Uncaught Exception', JSON.stringify(errorBody(error)))
  fatal(errorBody(error), 129)
})
process.on('unhandledRejection', reason => {
  const message = reason && reason.stack ? `${reason.name}: ${reason.message}` : String(reason)
  const body = runtimeError('Runtime.UnhandledPromiseRejection', message, reason)
  console.error('Unhandled Promise Rejection', JSON.stringify(body))
  fatal(body, 128)
})

// -- main -------------------------------------------------------------------------------------
patchConsole()
if (resolveFrom) {
  // `@architect/shared` / `@architect/views` (and the like) for ES modules too: a specifier
  // the handler's own folders cannot resolve is looked up again from `resolveFrom`.
  const hook = `
    export async function resolve (specifier, context, next) {
      try { return await next(specifier, context) }
      catch (error) {
        if (error?.code !== 'ERR_MODULE_NOT_FOUND' || /^[./]|^file:|^node:/.test(specifier)) throw error
        try { return await next(specifier, { ...context, parentURL: ${JSON.stringify(pathToFileURL(path.join(resolveFrom, 'index.js')).href)} }) }
        catch { throw error }
      }
    }`
  register(`data:text/javascript,${encodeURIComponent(hook)}`)
}
let handler
try {
  handler = await loadHandler()
}
catch (error) {
  const body = error instanceof Fault ? error.body : errorBody(error)
  send({ init_error: body })
  endOfOutput()
  socket.end(() => process.exit(1))
}
if (handler) {
  send({ ready: true, pid: process.pid })
  socket.on('data', chunk => {
    pending = pending.length ? Buffer.concat([pending, chunk]) : chunk
    while (pending.length >= 4) {
      const size = pending.readUInt32BE(0)
      if (pending.length < 4 + size) break
      const frame = JSON.parse(pending.subarray(4, 4 + size).toString('utf8'))
      pending = pending.subarray(4 + size)
      invoke(handler, frame)
    }
  })
  socket.on('end', () => process.exit(0))
  socket.on('error', () => process.exit(0))
}
