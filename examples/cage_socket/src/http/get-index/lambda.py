"""GET /: the aviary page. The page itself is small; `client.js` (served from
`/_static/`, fingerprinted) opens the WebSocket and draws one caged bird per
open connection.
"""

from __future__ import annotations

import os
from html import escape
from string import Template
from typing import Any

from pyarc.functions import http, static

PAGE = Template("""<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">
  <meta name="theme-color" content="#f6efe3">
  <title>Cage Socket</title>
  <link rel="icon" href="$bird_svg" type="image/svg+xml">
  <link rel="stylesheet" href="$style_css">
  <script type="module" src="$client_js"></script>
</head>
<body data-wss-url="$wss_url" data-bird-svg="$bird_svg">
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
""")


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    page = PAGE.substitute(
        wss_url=escape(os.environ.get("ARC_WSS_URL", ""), quote=True),
        client_js=escape(static("client.js"), quote=True),
        style_css=escape(static("style.css"), quote=True),
        bird_svg=escape(static("bird.svg"), quote=True),
    )
    return http.html(page)  # sent with no-cache: the page names fingerprinted files
