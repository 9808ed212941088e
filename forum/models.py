"""The forum: categories per workspace, topics (questions or discussions), posts in
Markdown, accepted solutions, tags, follows, read tracking, reactions and moderation."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager
from taggit.models import TagBase, TaggedItemBase
from wagtail.search import index
from wagtail.search.queryset import SearchableQuerySetMixin


class Category(models.Model):
    workspace = models.ForeignKey(
        "workspaces.Workspace",
        on_delete=models.CASCADE,
        related_name="forum_categories",
        verbose_name=_("workspace"),
    )
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("address"), max_length=140)
    description = models.TextField(_("description"), max_length=1000, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    # Denormalised counters, kept by the services, so lists need no aggregate.
    topic_count = models.PositiveIntegerField(default=0, editable=False)
    post_count = models.PositiveIntegerField(default=0, editable=False)
    last_post_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("forum category")
        verbose_name_plural = _("forum categories")
        ordering = ["workspace", "position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "slug"], name="category_slug_unique")
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("forum:category", kwargs={"pk": self.pk})


class ForumTag(TagBase):
    class Meta:
        verbose_name = _("forum tag")
        verbose_name_plural = _("forum tags")

    def get_absolute_url(self) -> str:
        """The tag's page, or "" when the tag has no usable slug.

        Names without a slug are refused (core.tags) and migration 0002 repaired those
        stored before; should one reach the database anyway, the pages listing it show
        its name without a link instead of failing for every reader.
        """
        if not self.slug:
            return ""
        try:
            return reverse("forum:tag", args=[self.slug])
        except NoReverseMatch:
            return ""


class TaggedTopic(TaggedItemBase):
    tag = models.ForeignKey(ForumTag, on_delete=models.CASCADE, related_name="tagged_topics")
    content_object = models.ForeignKey("Topic", on_delete=models.CASCADE)


class TopicKind(models.TextChoices):
    QUESTION = "question", _("Question")
    DISCUSSION = "discussion", _("Discussion")


class TopicQuerySet(SearchableQuerySetMixin, models.QuerySet):
    def visible(self) -> TopicQuerySet:
        return self.filter(is_hidden=False)


class Topic(index.Indexed, models.Model):
    category = models.ForeignKey(
        Category, on_delete=models.CASCADE, related_name="topics", verbose_name=_("category")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="forum_topics",
        verbose_name=_("author"),
    )
    kind = models.CharField(
        _("kind"), max_length=16, choices=TopicKind.choices, default=TopicKind.QUESTION
    )
    title = models.CharField(_("title"), max_length=200)
    tags = TaggableManager(through=TaggedTopic, blank=True, verbose_name=_("tags"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_post_at = models.DateTimeField(_("last post"), null=True, blank=True)
    # Id of the last visible post: a topic is unread while a reader's mark is below it.
    last_post_id = models.PositiveBigIntegerField(default=0, editable=False)
    last_post_author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reply_count = models.PositiveIntegerField(default=0, editable=False)
    solution = models.OneToOneField(
        "Post",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="solution_of",
        verbose_name=_("accepted solution"),
    )
    is_solved = models.BooleanField(default=False, editable=False)
    is_pinned = models.BooleanField(_("pinned"), default=False)
    is_locked = models.BooleanField(_("locked"), default=False)
    is_hidden = models.BooleanField(_("hidden"), default=False)
    # Title and visible posts, kept by the services: what the forum search reads.
    search_text = models.TextField(blank=True, editable=False)

    objects = TopicQuerySet.as_manager()

    search_fields = [
        index.SearchField("title", boost=3),
        index.AutocompleteField("title"),
        index.SearchField("search_text"),
        index.FilterField("category_id"),
        index.FilterField("author_id"),
        index.FilterField("is_solved"),
        index.FilterField("is_hidden"),
        index.FilterField("created_at"),
        index.FilterField("kind"),
    ]

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["-is_pinned", "-last_post_at", "-pk"]
        indexes = [
            models.Index(fields=["category", "is_hidden", "is_pinned", "last_post_at"]),
            models.Index(fields=["is_solved", "reply_count"]),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("forum:topic", kwargs={"pk": self.pk})

    @property
    def workspace(self):
        return self.category.workspace


class PostQuerySet(models.QuerySet):
    def visible(self) -> PostQuerySet:
        return self.filter(is_hidden=False, deleted_at__isnull=True)


class Post(models.Model):
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="forum_posts",
        verbose_name=_("author"),
    )
    # The first post of a topic is the question or the opening of the discussion.
    is_first = models.BooleanField(default=False, editable=False)
    body = models.TextField(_("message"))
    body_html = models.TextField(editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    # Optimistic lock: an edit based on an older version is refused, nothing is lost.
    version = models.PositiveIntegerField(default=1, editable=False)
    helpful_count = models.PositiveIntegerField(default=0, editable=False)
    is_hidden = models.BooleanField(_("hidden by a moderator"), default=False)
    deleted_at = models.DateTimeField(null=True, blank=True)

    objects = PostQuerySet.as_manager()

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["topic", "created_at"])]

    def __str__(self) -> str:
        return f"{self.topic} #{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("forum:post", kwargs={"pk": self.pk})

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class PostRevision(models.Model):
    """The text a post had before an edit: moderators see the history."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="revisions")
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.post} @ {self.created_at:%Y-%m-%d %H:%M}"


class Attachment(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="forum/%Y/%m/", max_length=255, blank=True)
    # Or a file of the workspace's space (extranet/files, the one store): served from there,
    # to who may read both the post and the file.
    stored = models.ForeignKey(
        "files.File", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("forum:attachment", kwargs={"pk": self.pk, "name": self.name})

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class Reaction(models.Model):
    """ "This helped me" on a post."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reactions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["post", "user"], name="reaction_unique")]

    def __str__(self) -> str:
        return f"{self.user} → {self.post}"


class TopicFollow(models.Model):
    """Following (or muting) a topic."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="follows")
    muted = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "topic"], name="topicfollow_unique")]

    def __str__(self) -> str:
        return f"{self.user} → {self.topic}"


class CategoryFollow(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="follows")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "category"], name="categoryfollow_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.category}"


class TagFollow(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    tag = models.ForeignKey(ForumTag, on_delete=models.CASCADE, related_name="follows")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "tag"], name="tagfollow_unique")]

    def __str__(self) -> str:
        return f"{self.user} → {self.tag}"


class ReadMark(models.Model):
    """Up to which post a user has read a topic."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="read_marks")
    last_read_post_id = models.PositiveBigIntegerField(default=0)
    read_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "topic"], name="readmark_unique")]

    def __str__(self) -> str:
        return f"{self.user} → {self.topic} #{self.last_read_post_id}"


class Report(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reason = models.TextField(_("reason"), max_length=1000)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.post}: {self.reason[:40]}"


class ModerationAction(models.TextChoices):
    HIDE_POST = "hide_post", _("Hid a post")
    SHOW_POST = "show_post", _("Showed a post again")
    HIDE_TOPIC = "hide_topic", _("Hid a topic")
    SHOW_TOPIC = "show_topic", _("Showed a topic again")
    LOCK = "lock", _("Locked a topic")
    UNLOCK = "unlock", _("Unlocked a topic")
    PIN = "pin", _("Pinned a topic")
    UNPIN = "unpin", _("Unpinned a topic")
    MOVE = "move", _("Moved a topic")
    MERGE = "merge", _("Merged a topic into another")
    DISMISS_REPORT = "dismiss_report", _("Dismissed a report")


class ModerationLog(models.Model):
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    action = models.CharField(max_length=32, choices=ModerationAction.choices)
    workspace = models.ForeignKey(
        "workspaces.Workspace", on_delete=models.CASCADE, related_name="+"
    )
    topic = models.ForeignKey(Topic, on_delete=models.SET_NULL, null=True, related_name="+")
    post = models.ForeignKey(Post, on_delete=models.SET_NULL, null=True, related_name="+")
    reason = models.TextField(_("reason"), max_length=1000)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.actor} {self.get_action_display()}"
