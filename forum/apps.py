from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ForumConfig(AppConfig):
    """Forums of the workspaces: categories, topics, posts, solutions, moderation."""

    name = "forum"
    verbose_name = _("Forum")

    def ready(self) -> None:
        from forum.registrations import register

        register()
