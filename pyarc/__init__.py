"""pyarc: Architect (arc.codes) for Python."""

__version__ = "0.1.0"
