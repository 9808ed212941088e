"""Every page of the public site and of the members' area costs a number of queries that does
not grow with the data, and stays under a ceiling.

The pages are found, not listed (see tests/walk/routes.py): every named route of the
URLconf and every live Wagtail page, rendered for an anonymous visitor, a facilitator and the
coordinator, over the demo network with one more of everything, then over the same network
grown by `GROWTH` more of everything the pages list (tests/walk/data.py).
"""

from __future__ import annotations

import re
from collections import Counter

import pytest
from django.core.cache import cache

from tests.walk import data
from tests.walk.walker import Visit, pages, walk

pytestmark = pytest.mark.django_db

GROWTH = 8
# A page may cost this many more queries on the bigger network: none.
TOLERANCE = 0
# No page costs more than this, whatever the data.
CEILING = 40


def _shape(sql: str) -> str:
    return re.sub(r"\b\d+\b|'[^']*'", "?", sql)


def _repeated(visit: Visit) -> str:
    """The query the page repeats most: usually the one made per item."""
    shape, times = Counter(_shape(q) for q in visit.queries).most_common(1)[0]
    return f"{times}× {shape[:300]}"


@pytest.mark.timeout(600)
def test_every_page_costs_the_same_queries_whatever_the_size_of_the_network(territory_subset):
    cache.clear()
    demo = data.load(territory_subset)
    data.grow(demo, 1)
    urls = pages(demo)
    small = walk(demo, urls)

    data.grow(demo, GROWTH)
    large = walk(demo, urls)

    failed = [f"{v.viewer:<12} {v.url}: {v.status}" for v in large.values() if v.status >= 500]
    assert not failed, "Pages that fail:\n" + "\n".join(failed)
    grows = [
        f"{v.viewer:<12} {v.url}: {len(small[key].queries)} → {len(v.queries)} queries; "
        f"{_repeated(v)}"
        for key, v in large.items()
        if len(v.queries) > len(small[key].queries) + TOLERANCE
    ]
    assert not grows, "Pages whose queries grow with the data:\n" + "\n".join(grows)
    heavy = [
        f"{v.viewer:<12} {v.url}: {len(v.queries)} queries; {_repeated(v)}"
        for v in large.values()
        if len(v.queries) > CEILING
    ]
    assert not heavy, f"Pages over {CEILING} queries:\n" + "\n".join(heavy)
