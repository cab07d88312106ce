"""User-facing exceptions. Each message says what went wrong and what to do about it.

The CLI prints `str(error)` and exits 1; nothing here ever needs a traceback to be understood.
"""


class PlanAssistantError(Exception):
    """Base class for errors that are reported to the user as a plain message."""


class ConfigError(PlanAssistantError):
    """A setting is unknown, malformed or points at something that does not exist."""


class IndexMissingError(PlanAssistantError):
    """No index has been built at the configured location."""


class IndexMismatchError(PlanAssistantError):
    """The index was built with a different embedding model or an incompatible format."""


class IndexCorruptError(PlanAssistantError):
    """An index file is missing, truncated or fails its checksum."""


class IndexBusyError(PlanAssistantError):
    """Another process holds the index write lock."""


class ModelNotFoundError(PlanAssistantError):
    """The configured embedding model cannot be loaded without network access."""


class IngestRefusedError(PlanAssistantError):
    """An ingest was not applied because it would lose documents the index holds."""


class DocumentError(PlanAssistantError):
    """One input document could not be read; the message is the per-file reason."""


class StoreError(PlanAssistantError):
    """The PostgreSQL store is unreachable, refuses the login or lacks pgvector."""
