"""Tags (django-taggit) of any module: which names can be tags.

A tag is linked to by its slug (``/espace/forum/etiquettes/<slug>/``). A name made only of
punctuation, symbols or emoji (``???``, ``!!``, ``🙂``) slugifies to nothing, and a tag
without a slug has no address: every page listing it would fail to link it. So a name is
a tag only if its slug, as the tag model itself computes it, is not empty.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from taggit.models import TagBase

__all__ = ["names_without_slug", "validate_tag_names"]


def names_without_slug(names: Iterable[str], tag_model: type[TagBase]) -> list[str]:
    """The names among ``names`` that ``tag_model`` would give an empty slug."""
    blank = tag_model()
    return [name for name in names if not blank.slugify(name)]


def validate_tag_names(names: Iterable[str], tag_model: type[TagBase]) -> None:
    """Raise a ValidationError (one message per name) for names that cannot be tags."""
    refused = names_without_slug(names, tag_model)
    if refused:
        raise ValidationError(
            [
                ValidationError(
                    _("“%(name)s” cannot be a tag: it needs at least one letter or digit."),
                    code="tag_without_slug",
                    params={"name": name},
                )
                for name in refused
            ]
        )


def give_slugs_to_slugless_tags(tag_model) -> int:
    """Give every tag stored with an empty slug one of its own, ``etiquette-<id>``
    (``-2``, ``-3``… if taken), for data migrations: the tag is kept, so what it tags stays
    tagged and its followers keep it. Returns how many were repaired."""
    taken = set(tag_model.objects.values_list("slug", flat=True))
    repaired = 0
    for tag in tag_model.objects.filter(slug="").order_by("pk"):
        base = f"etiquette-{tag.pk}"
        slug, n = base, 2
        while slug in taken:
            slug, n = f"{base}-{n}", n + 1
        taken.add(slug)
        tag.slug = slug
        tag.save(update_fields=["slug"])
        repaired += 1
    return repaired
