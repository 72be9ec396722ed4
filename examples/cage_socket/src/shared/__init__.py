"""Code every cage_socket handler shares (`src/shared`, importable as `shared` in the
sandbox and in each deployed function)."""
