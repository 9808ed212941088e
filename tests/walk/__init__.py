"""The page walk: every page of the public site and of the members' area, found by itself
(every named route of `config.urls`, every live Wagtail page), rendered for an anonymous
visitor, a facilitator and the coordinator over the demo network at two sizes.

Used by `tests/walk/test_query_budget.py` (a query budget per page that does not grow with
the data) and by `bench/pages.py` (which pages are the heaviest).
"""
