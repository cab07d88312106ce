"""A passage as the faces show it: one shape for an answer's citation, a search result and a
brief's reference, and one way of writing a reference.

Built from a retrieval `Hit` and carried unchanged to the edges; JSON is made only where a
JSON output is written (`to_json`).
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.retrieval import Hit


@dataclass(frozen=True)
class Source:
    """A cited or retrieved passage. `id` is the citation number ([n]) or the search rank;
    `quote` is the sentence of the passage that supports the claim, when one does; `hit` is
    the retrieval hit it came from (None for a brief's reference, which may join several
    passages of one section)."""

    id: int
    source: str
    title: str
    page: int | None
    section: str | None
    text: str
    score: float
    quote: str | None = None
    hit: Hit | None = None

    @classmethod
    def of(cls, hit: Hit, number: int, quote: str | None = None) -> Source:
        chunk = hit.chunk
        return cls(number, chunk.source, chunk.title, chunk.page, chunk.section, chunk.text,
                   round(hit.score, 6), quote, hit)

    def reference(self) -> str:
        """"Title — Section (source, page N)": how a source is listed everywhere."""
        page = f", page {self.page}" if self.page else ""
        section = f" — {self.section}" if self.section else ""
        return f"{self.title}{section} ({self.source}{page})"

    def to_json(self) -> dict:
        """The contract's citation object."""
        return {"id": self.id, "source": self.source, "title": self.title, "page": self.page,
                "section": self.section, "text": self.text, "score": self.score,
                "quote": self.quote}

    def to_search_json(self) -> dict:
        """The contract's search result object."""
        hit = self.hit
        return {"rank": self.id, "source": self.source, "title": self.title, "page": self.page,
                "section": self.section, "text": self.text, "score": self.score,
                "dense_score": hit.dense_score if hit else None,
                "lexical_score": hit.lexical_score if hit else None}
