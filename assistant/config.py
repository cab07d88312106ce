"""Settings: defaults < `assistant.toml` < `PLAN_ASSISTANT_*` environment variables < CLI flags.

Read once at the edges (CLI, UI); library code receives a `Settings` object and never looks at
the environment itself. Unknown keys are errors so that a typo never silently falls back to a
default.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from assistant.errors import ConfigError

ENV_PREFIX = "PLAN_ASSISTANT_"
# Variables read outside the settings: the project root, the app's users and admins, and the
# cache of the exported ONNX model.
OTHER_VARIABLES = frozenset({"root", "auth", "admins", "cache"})
CONFIG_FILE = "assistant.toml"
BUNDLED_MODEL = "sentence-transformers/all-MiniLM-L6-v2"


def project_root() -> Path:
    """The folder that holds `corpus/` and `index/`.

    `$PLAN_ASSISTANT_ROOT` wins; otherwise the checkout this package lives in (an editable
    install), otherwise the current directory (a plain install used from a project folder).
    """
    if env := os.environ.get(ENV_PREFIX + "ROOT"):
        return Path(env).resolve()
    checkout = Path(__file__).resolve().parent.parent
    if (checkout / "pyproject.toml").is_file() and (checkout / "assistant").is_dir():
        return checkout
    return Path.cwd().resolve()


# Answer backends by name: the offline default, then the optional language models.
ANSWER_BACKENDS = ("extractive", "openai", "llamacpp")
LLM_BACKENDS = ANSWER_BACKENDS[1:]


@dataclass(frozen=True)
class Settings:
    """Every tunable of the pipeline, with defaults chosen by measurement (see README)."""

    root: Path = field(default_factory=project_root)
    index: Path | None = None
    # postgresql://user:password@host:port/db keeps the index in PostgreSQL (pg_store.py);
    # empty keeps it in the `index` folder
    store: str = ""
    corpus: Path | None = None
    model: str = BUNDLED_MODEL
    embedding_backend: str = "onnx-int8"
    chunk_size: int = 200
    chunk_overlap: int = 30
    batch_size: int = 32
    vector_index: str = "auto"  # auto (exact below 100k chunks, HNSW above), flat, hnsw, ivfpq
    k: int = 5
    dense_weight: float = 0.5  # weight of the dense ranking in fusion; BM25's is 1
    expanded_weight: float = 0.3  # weight of the acronym-expanded query's rankings
    rerank_pool: int = 30  # fused candidates reordered by their best sentence; 0 turns it off
    # open questions read first the passage that carries the subject (rerank.rerank_open);
    # false keeps the best-sentence order for them too
    open_rerank: bool = True
    # embed each chunk's sentences at ingest, so a question's first answer reads them instead
    # of embedding them: ingest takes about 1.7x as long, a never-seen question 5x less
    sentence_vectors: bool = True
    backend: str = "extractive"
    refusal_threshold: float = 0.48
    # Open questions are refused mainly for what they ask about that no document mentions
    # (refusal.py); their answers spread over sentences that each match little, so the
    # strength bar is lower (chosen on the dev half of eval/open.jsonl).
    open_refusal_threshold: float = 0.35
    llm_base_url: str = "http://127.0.0.1:11434/v1"
    llm_model: str = "llama3.2"
    llm_api_key_env: str = "OPENAI_API_KEY"
    llm_timeout: float = 60.0
    gguf_path: Path | None = None
    feedback_log: Path | None = None  # default: feedback/feedback.jsonl; "" turns it off

    def __post_init__(self) -> None:
        object.__setattr__(self, "root", Path(self.root).resolve())
        if self.index is None:
            object.__setattr__(self, "index", self.root / "index")
        if self.corpus is None:
            object.__setattr__(self, "corpus", self.root / "corpus")
        if self.feedback_log is None:
            object.__setattr__(self, "feedback_log", self.root / "feedback" / "feedback.jsonl")
        elif str(self.feedback_log) in ("", "."):
            object.__setattr__(self, "feedback_log", Path(""))
        object.__setattr__(self, "index", Path(self.index))
        object.__setattr__(self, "corpus", Path(self.corpus))
        if not 32 <= self.chunk_size <= 224:
            raise ConfigError(
                f"chunk_size={self.chunk_size}: must be 32..224 tokens so that a chunk and its "
                "title header fit the model's 256-token window"
            )
        if not 0 <= self.chunk_overlap < self.chunk_size // 2:
            raise ConfigError(
                f"chunk_overlap={self.chunk_overlap}: must be at least 0 and under half of "
                f"chunk_size ({self.chunk_size})"
            )
        from assistant.vector_index import choose_kind

        choose_kind(0, self.vector_index)  # rejects an unknown kind with the choices
        if self.store and not self.store.startswith(("postgresql://", "postgres://")):
            raise ConfigError("store: give a postgresql://user:password@host:port/database URL "
                              "(the value given is not one), or leave it empty to keep the "
                              "index in the --index folder")
        if self.k < 1:
            raise ConfigError(f"k={self.k}: must be at least 1")
        if self.dense_weight < 0 or self.expanded_weight < 0:
            raise ConfigError(f"dense_weight={self.dense_weight}, expanded_weight="
                              f"{self.expanded_weight}: weights cannot be negative")
        if self.rerank_pool < 0:
            raise ConfigError(f"rerank_pool={self.rerank_pool}: must be 0 (off) or more")
        for name in ("refusal_threshold", "open_refusal_threshold"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ConfigError(f"{name}={getattr(self, name)}: must be in [0, 1]")

    @property
    def feedback_enabled(self) -> bool:
        return str(self.feedback_log) not in ("", ".")

    def with_overrides(self, **overrides: Any) -> Settings:
        """A copy with the given non-None values applied (CLI flags)."""
        return replace(self, **{k: v for k, v in overrides.items() if v is not None})


def _coerce(name: str, raw: Any) -> Any:
    kinds = {f.name: f.type for f in fields(Settings)}
    kind = str(kinds[name])
    try:
        if "bool" in kind:
            if isinstance(raw, bool):
                return raw
            if str(raw).strip().lower() in ("1", "true", "yes", "on"):
                return True
            if str(raw).strip().lower() in ("0", "false", "no", "off"):
                return False
            raise ValueError(raw)
        if "float" in kind:
            return float(raw)
        if "int" in kind:
            return int(raw)
        if "Path" in kind:
            return Path(str(raw)) if str(raw) else Path("")
        return str(raw)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"setting {name}={raw!r}: expected {kind}") from exc


def load_settings(
    config_file: Path | None = None, environ: dict[str, str] | None = None
) -> Settings:
    """Build settings from `assistant.toml` (if present) and environment variables."""
    environ = dict(os.environ if environ is None else environ)
    known = {f.name for f in fields(Settings)}
    values: dict[str, Any] = {}
    root = Path(environ.get(ENV_PREFIX + "ROOT") or project_root())
    path = config_file or root / CONFIG_FILE
    if path.is_file():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"{path}: unreadable config ({exc}); fix or remove the file") from exc
        unknown = sorted(set(data) - known)
        if unknown:
            raise ConfigError(f"{path}: unknown setting(s) {', '.join(unknown)}; known: "
                              f"{', '.join(sorted(known))}")
        values.update({k: _coerce(k, v) for k, v in data.items()})
    for name in known:
        if (raw := environ.get(ENV_PREFIX + name.upper())) is not None:
            values[name] = _coerce(name, raw)
    unknown = sorted(key for key in environ if key.startswith(ENV_PREFIX)
                     and key[len(ENV_PREFIX):].lower() not in known | OTHER_VARIABLES)
    if unknown:
        raise ConfigError(f"unknown environment variable(s) {', '.join(unknown)}; known: "
                          + ", ".join(ENV_PREFIX + name.upper()
                                      for name in sorted(known | OTHER_VARIABLES)))
    values.setdefault("root", root)
    return Settings(**values)
