"""Pages of the public site, one module per kind of page.

Re-exported here so that migrations, `parent_page_types` strings and other apps keep
importing `public_site.models.<Model>`.
"""

from public_site.models.dossiers import DossierDocument, DossierIndexPage, DossierKind, DossierPage
from public_site.models.home import HomeKeyFigure, HomePage
from public_site.models.news import NewsIndexPage, NewsPage, NewsPageTag
from public_site.models.press import PressArticle, PressReviewPage
from public_site.models.standard import StandardPage

__all__ = [
    "DossierDocument",
    "DossierIndexPage",
    "DossierKind",
    "DossierPage",
    "HomeKeyFigure",
    "HomePage",
    "NewsIndexPage",
    "NewsPage",
    "NewsPageTag",
    "PressArticle",
    "PressReviewPage",
    "StandardPage",
]
