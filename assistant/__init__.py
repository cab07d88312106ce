"""Plan Assistant: cited answers over a health system's plan documents, offline first."""

__version__ = "0.1.0"
