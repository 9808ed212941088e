"""The forum's Markdown is the platform's safe subset, kept in the kernel (core/markdown.py)
since the chat renders messages with it too."""

from core.markdown import (  # noqa: F401
    LINK_REL,
    MAX_LENGTH,
    PostTooLong,
    __all__,
    excerpt,
    is_safe_url,
    mentions,
    render,
    sanitize,
    site_path,
)
