"""The document library behind the app: uploads (checked and sanitised) and removals.

Uploads are copied into `corpus/uploads/` under a safe name, then ingested like any other file;
a name can never escape that folder (`../../x.pdf` becomes `x.pdf`). Removal takes a document
out of the index and deletes the file only when it is an upload.
"""

from __future__ import annotations

import re
import shutil
import unicodedata
from pathlib import Path

from assistant.documents import SUPPORTED_SUFFIXES
from assistant.errors import DocumentError

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
UPLOADS = "uploads"


def safe_filename(name: str) -> str:
    """A file name that is only a name: no folders, no leading dots or dashes, plain ASCII."""
    base = re.split(r"[\\/]", name)[-1]
    base = unicodedata.normalize("NFKD", base).encode("ascii", "ignore").decode()
    base = re.sub(r"[^A-Za-z0-9._ -]+", "_", base).strip(" .-_")
    stem, dot, suffix = base.rpartition(".")
    if not dot:
        stem, suffix = base, ""
    stem = stem[:100] or "document"
    return f"{stem}.{suffix.lower()}" if suffix else stem


def check_upload(path: Path, original_name: str) -> None:
    suffix = Path(safe_filename(original_name)).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        allowed = ", ".join(sorted(SUPPORTED_SUFFIXES))
        raise DocumentError(f"{original_name}: file type '{suffix or 'none'}' is not accepted "
                            f"(allowed: {allowed})")
    size = path.stat().st_size
    if size > MAX_UPLOAD_BYTES:
        raise DocumentError(f"{original_name}: {size / 1e6:.1f} MB is over the "
                            f"{MAX_UPLOAD_BYTES // (1024 * 1024)} MB upload limit")


def store_upload(path: Path, original_name: str, corpus: Path) -> Path:
    """Check an uploaded temp file and copy it into the uploads folder; return the copy."""
    check_upload(path, original_name)
    folder = corpus / UPLOADS
    folder.mkdir(parents=True, exist_ok=True)
    name = safe_filename(original_name)
    target = folder / name
    stem, suffix = Path(name).stem, Path(name).suffix
    counter = 1
    while target.exists():
        target = folder / f"{stem}-{counter}{suffix}"
        counter += 1
    shutil.copyfile(path, target)
    return target


def is_upload(path: Path, corpus: Path) -> bool:
    try:
        path.resolve().relative_to((corpus / UPLOADS).resolve())
    except ValueError:
        return False
    return True
