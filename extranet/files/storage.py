"""Where the bytes of files live: the `files` storage (local disk or S3), one blob per
upload under a random name. Writes stream from Django's upload file; nothing here reads a
whole file into memory."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import IO

from asgiref.sync import sync_to_async
from django.core.files.base import File as DjangoFile
from django.core.files.storage import FileSystemStorage, Storage, storages

CHUNK = 1024 * 1024


def files_storage() -> Storage:
    return storages["files"]


def is_local() -> bool:
    """Bytes on this machine's disk (served by Python or nginx), or in object storage."""
    return isinstance(files_storage(), FileSystemStorage)


def new_blob_name() -> str:
    key = uuid.uuid4().hex
    return f"files/blobs/{key[:2]}/{key}"


def sha256_of(file: IO[bytes]) -> str:
    digest = hashlib.sha256()
    file.seek(0)
    while chunk := file.read(CHUNK):
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()


def save_blob(file: IO[bytes]) -> str:
    """Store `file` under a new random name; returns the name the storage chose."""
    file.seek(0)
    content = file if isinstance(file, DjangoFile) else DjangoFile(file)
    return files_storage().save(new_blob_name(), content)


def copy_blob(name: str) -> str:
    """A copy of a stored blob under a new name, streamed through a local spool file."""
    with files_storage().open(name, "rb") as source:
        return files_storage().save(new_blob_name(), DjangoFile(source))


def delete_blob(name: str) -> None:
    if name:
        files_storage().delete(name)


def iter_blob(name: str, start: int = 0, length: int | None = None) -> Iterator[bytes]:
    """The bytes of a blob from `start`, `length` of them (all by default), in chunks."""
    with files_storage().open(name, "rb") as blob:
        if start:
            blob.seek(start)
        remaining = length
        while remaining is None or remaining > 0:
            chunk = blob.read(CHUNK if remaining is None else min(CHUNK, remaining))
            if not chunk:
                break
            if remaining is not None:
                remaining -= len(chunk)
            yield chunk


async def aiter_blob(name: str, start: int = 0, length: int | None = None) -> AsyncIterator[bytes]:
    """`iter_blob` for the ASGI server: each read runs in a worker thread, one chunk at a
    time. (Given a plain iterator, Django's ASGI handler would first read the whole file
    into a list.)"""

    def run(func):
        return sync_to_async(func, thread_sensitive=False)

    blob = await run(files_storage().open)(name, "rb")
    try:
        if start:
            await run(blob.seek)(start)
        remaining = length
        while remaining is None or remaining > 0:
            chunk = await run(blob.read)(CHUNK if remaining is None else min(CHUNK, remaining))
            if not chunk:
                break
            if remaining is not None:
                remaining -= len(chunk)
            yield chunk
    finally:
        await run(blob.close)()
