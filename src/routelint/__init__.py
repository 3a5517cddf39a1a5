"""routelint: static analysis for LLM provider routing."""

__version__ = "0.1.0"
