"""Answer backends by name. The built-in extractive backend registers the same way as the
optional LLM ones; LLM libraries are imported only when their backend is chosen."""

from __future__ import annotations

from assistant.answer import AnswerBackend
from assistant.config import ANSWER_BACKENDS, Settings
from assistant.errors import ConfigError


def create_backend(name: str, settings: Settings) -> AnswerBackend:
    if name == "extractive":
        from assistant.answer.extractive import ExtractiveBackend

        return ExtractiveBackend()
    if name == "openai":
        from assistant.answer.llm import OpenAICompatibleBackend

        return OpenAICompatibleBackend(settings)
    if name == "llamacpp":
        from assistant.answer.llm import LlamaCppBackend

        return LlamaCppBackend(settings)
    raise ConfigError(f"unknown answer backend '{name}': choose one of "
                      f"{', '.join(ANSWER_BACKENDS)}")
