"""Node.js handlers: the bootstrap (`bootstrap.mjs`), how its process starts, the local `node`."""
