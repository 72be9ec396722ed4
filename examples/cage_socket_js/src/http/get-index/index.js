// GET /: the aviary page (the same page as the Python example's). `client.js` (served from
// `/_static/`, fingerprinted when deployed) opens the WebSocket and draws one caged bird per
// open connection.
const arc = require('@architect/functions')

const escape = text => String(text).replace(/[&<>"']/g, ch => `&#${ch.charCodeAt(0)};`)

function page ({ wssUrl, clientJs, styleCss, birdSvg }) {
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">
  <meta name="theme-color" content="#f6efe3">
  <title>Cage Socket</title>
  <link rel="icon" href="${birdSvg}" type="image/svg+xml">
  <link rel="stylesheet" href="${styleCss}">
  <script type="module" src="${clientJs}"></script>
</head>
<body data-wss-url="${wssUrl}" data-bird-svg="${birdSvg}">
  <header class="masthead">
    <div class="title">
      <h1>Cage Socket</h1>
      <p class="tagline">Every open tab is a bird. Turn yours; everyone sees it.</p>
    </div>
    <div class="meta">
      <span id="status" class="status" data-state="connecting" role="status">Connecting&hellip;</span>
      <span id="count" class="count" aria-live="polite"></span>
    </div>
  </header>
  <main>
    <section id="aviary" class="aviary" aria-label="Birds, one per open connection"></section>
    <p id="empty" class="empty">Opening the aviary&hellip;</p>
  </main>
  <nav class="controls" aria-label="Turn your bird">
    <button type="button" data-direction="left" aria-keyshortcuts="ArrowLeft">
      <span aria-hidden="true">&#9664;</span> Left</button>
    <button type="button" data-direction="center" aria-keyshortcuts="ArrowUp" aria-pressed="true">
      <span aria-hidden="true">&#9679;</span> Centre</button>
    <button type="button" data-direction="right" aria-keyshortcuts="ArrowRight">
      Right <span aria-hidden="true">&#9654;</span></button>
  </nav>
  <div id="toast" class="toast" role="alert" hidden></div>
  <noscript><p class="empty">Cage Socket needs JavaScript to open its WebSocket.</p></noscript>
</body>
</html>
`
}

exports.handler = arc.http(async function index () {
  const html = page({
    wssUrl: escape(process.env.ARC_WSS_URL || ''),
    clientJs: escape(arc.static('client.js')),
    styleCss: escape(arc.static('style.css')),
    birdSvg: escape(arc.static('bird.svg')),
  })
  return { html } // arc.http sends HTML with no-cache: the page names fingerprinted files
})
