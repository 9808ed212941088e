"""Writes in the forum. Each service asks the permission authority itself, keeps the
denormalised counters, and schedules notifications after commit through the kernel."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from core.accounts.models import User
from core.activity.services import activity_record
from core.notifications.services import notifications_create
from core.permissions import can, require
from core.ratelimit import over_limit
from core.tags import validate_tag_names
from core.uploads import FORUM_TYPES, CheckedUpload, UploadRefused, check_upload
from core.workspaces.models import Workspace
from extranet.files.models import File as StoredFile
from forum import markdown
from forum.models import (
    Attachment,
    Category,
    CategoryFollow,
    ForumTag,
    ModerationAction,
    ModerationLog,
    Post,
    PostRevision,
    Reaction,
    ReadMark,
    Report,
    TagFollow,
    Topic,
    TopicFollow,
    TopicKind,
)
from forum.notifications import Verb

SEARCH_TEXT_LIMIT = 100_000


class EditConflict(Exception):
    """Someone else saved the post since this edit began."""

    def __init__(self, post: Post):
        super().__init__(post.pk)
        self.post = post


# --- Rendering ------------------------------------------------------------------------------


def _mention_url(handle: str) -> str | None:
    user = User.objects.filter(handle=handle, is_active=True).only("pk").first()
    return reverse("accounts:profile", args=[user.pk]) if user else None


def _image_allowed(src: str) -> bool:
    """Only the forum's own attachments: nothing is fetched from elsewhere.

    Matched against the attachment URL pattern itself, once markdown.site_path has
    refused whatever a browser would resolve elsewhere (``..``, ``%2e%2e``, backslashes,
    doubled slashes, other hosts): no path can climb out of the pattern.
    """
    path = markdown.site_path(src)
    if path is None:
        return False
    try:
        return resolve(path).view_name == "forum:attachment"
    except Resolver404:
        return False


def render_body(text: str) -> str:
    try:
        return markdown.render(text, mention_url=_mention_url, image_url_allowed=_image_allowed)
    except markdown.PostTooLong as error:
        raise ValidationError({"body": str(error)}) from error


def posts_rerender() -> int:
    """Render every post's Markdown again with today's rules; returns how many changed.

    A post keeps the HTML rendered when it was written. After a change to the rules (a
    security fix such as the image-path rule) run ``manage.py forum_rerender_posts`` once,
    so that old posts follow the new rules too.
    """
    changed = 0
    for post in Post.objects.only("pk", "body", "body_html").order_by("pk").iterator(2000):
        html = render_body(post.body)
        if html != post.body_html:
            Post.objects.filter(pk=post.pk).update(body_html=html)
            changed += 1
    return changed


# --- Guards -------------------------------------------------------------------------------------


def check_rate(user: User) -> None:
    """Posting is rate-limited per account, more strictly for accounts under a week old."""
    new_account = timezone.now() - user.date_joined < settings.FORUM_NEW_ACCOUNT_AGE
    limit = settings.FORUM_POSTS_PER_WINDOW_NEW if new_account else settings.FORUM_POSTS_PER_WINDOW
    window = settings.FORUM_RATE_WINDOW_SECONDS
    if over_limit("forum-post", user.pk, limit=limit, window=window):
        raise ValidationError(
            _(
                "You are posting a lot in a short time: wait a few minutes before posting "
                "again. Your text is kept below."
            ),
            code="rate_limited",
        )


def _clean_tags(tags: Iterable[str]) -> list[str]:
    """Tag names as stored; a name without letters or digits is refused (core.tags)."""
    tags = [t.strip()[:100] for t in tags if t.strip()]
    try:
        validate_tag_names(tags, ForumTag)
    except ValidationError as error:
        raise ValidationError({"tags": error.error_list}) from error
    return tags


def _validate_files(files: Iterable[UploadedFile]) -> list[tuple[UploadedFile, CheckedUpload]]:
    """Each file's type from its content (core.uploads), never from the browser."""
    files = list(files)
    if len(files) > settings.FORUM_MAX_ATTACHMENTS:
        raise ValidationError(
            {"files": _("At most %(n)s files per message.") % {"n": settings.FORUM_MAX_ATTACHMENTS}}
        )
    checked = []
    for f in files:
        try:
            checked.append(
                (
                    f,
                    check_upload(
                        f,
                        name=f.name or "",
                        allowed=FORUM_TYPES,
                        max_bytes=settings.FORUM_ATTACHMENT_MAX_BYTES,
                    ),
                )
            )
        except UploadRefused as error:
            raise ValidationError({"files": error.messages}) from error
    return checked


def _attach(post: Post, files: list[tuple[UploadedFile, CheckedUpload]]) -> None:
    for f, checked in files:
        # The stored name and type are the checked ones: what the content is.
        f.name = checked.name
        Attachment.objects.create(
            post=post, file=f, name=checked.name, content_type=checked.mime, size=checked.size
        )


# --- Search text and counters ---------------------------------------------------------------------


def refresh_topic(topic: Topic) -> None:
    """Recompute what lists and search read: counters, last post, search text."""
    posts = list(
        topic.posts.visible()
        .order_by("created_at", "pk")
        .values("pk", "body", "created_at", "author_id")
    )
    topic.reply_count = max(0, len(posts) - 1)
    if posts:
        topic.last_post_at = posts[-1]["created_at"]
        topic.last_post_author_id = posts[-1]["author_id"]
        topic.last_post_id = posts[-1]["pk"]
    topic.search_text = "\n".join(p["body"] for p in posts)[:SEARCH_TEXT_LIMIT]
    topic.is_solved = topic.solution_id is not None
    topic.save(
        update_fields=[
            "reply_count",
            "last_post_at",
            "last_post_id",
            "last_post_author",
            "search_text",
            "is_solved",
        ]
    )


def refresh_category(category: Category) -> None:
    topics = category.topics.filter(is_hidden=False)
    category.topic_count = topics.count()
    category.post_count = Post.objects.visible().filter(topic__category=category).count()
    last = topics.order_by("-last_post_at").values_list("last_post_at", flat=True).first()
    category.last_post_at = last
    category.save(update_fields=["topic_count", "post_count", "last_post_at"])


# --- Categories -------------------------------------------------------------------------------


def category_create(
    *, actor: User, workspace: Workspace, name: str, description: str = ""
) -> Category:
    require(actor, "manage_forum", workspace)
    base = slugify(name)[:120] or "categorie"
    slug, n = base, 2
    while Category.objects.filter(workspace=workspace, slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    position = Category.objects.filter(workspace=workspace).count()
    category = Category(
        workspace=workspace,
        name=name.strip(),
        slug=slug,
        description=description,
        position=position,
    )
    category.full_clean()
    category.save()
    return category


def category_update(*, actor: User, category: Category, name: str, description: str) -> Category:
    require(actor, "manage", category)
    category.name = name.strip()
    category.description = description
    category.full_clean()
    category.save()
    return category


@transaction.atomic
def category_delete(*, actor: User, category: Category) -> None:
    require(actor, "manage", category)
    if category.topics.exists():
        raise ValidationError(_("Move or merge this category's topics before deleting it."))
    category.delete()


# --- Topics and posts -------------------------------------------------------------------------


def _followers(topic: Topic, *, exclude: set[int]) -> set[int]:
    """Who hears of a new post: the topic's followers (not muted), its asker."""
    follows = TopicFollow.objects.filter(topic=topic)
    muted = set(follows.filter(muted=True).values_list("user_id", flat=True))
    ids = set(follows.filter(muted=False).values_list("user_id", flat=True))
    if topic.author_id:
        ids.add(topic.author_id)
    return ids - muted - exclude


def _notify(user_ids: Iterable[int], *, verb: Verb, actor: User, target) -> None:
    """Notify the active people among `user_ids`; the notification's own rule hides it
    from whoever may not see the target."""
    recipients = [
        u
        for u in User.objects.filter(pk__in=set(user_ids), is_active=True)
        if can(u, "view", target)
    ]
    if recipients:
        title = target.title if isinstance(target, Topic) else target.topic.title
        notifications_create(
            recipients=recipients, verb=verb, actor=actor, target=target, data={"target": title}
        )


def _mentioned(text: str, *, exclude: set[int]) -> set[int]:
    handles = markdown.mentions(text)
    if not handles:
        return set()
    ids = set(User.objects.filter(handle__in=handles, is_active=True).values_list("pk", flat=True))
    return ids - exclude


@transaction.atomic
def topic_create(
    *,
    actor: User,
    category: Category,
    title: str,
    body: str,
    kind: str = TopicKind.QUESTION,
    tags: Iterable[str] = (),
    files: Iterable[UploadedFile] = (),
) -> Topic:
    require(actor, "post", category)
    tags = _clean_tags(tags)
    files = _validate_files(files)
    check_rate(actor)
    now = timezone.now()
    topic = Topic(
        category=category,
        author=actor,
        kind=kind,
        title=title.strip(),
        last_post_at=now,
        last_post_author=actor,
    )
    topic.full_clean(exclude=["solution"])
    topic.save()
    if tags:
        topic.tags.set(tags)
    post = Post(topic=topic, author=actor, is_first=True, body=body, body_html=render_body(body))
    post.full_clean()
    post.save()
    _attach(post, files)
    TopicFollow.objects.get_or_create(user=actor, topic=topic)
    ReadMark.objects.update_or_create(
        user=actor, topic=topic, defaults={"last_read_post_id": post.pk}
    )
    refresh_topic(topic)
    refresh_category(category)
    # Followers of the category or of one of the tags hear of it; mentioned people too.
    interested = set(
        CategoryFollow.objects.filter(category=category).values_list("user_id", flat=True)
    )
    if tags:
        interested |= set(
            TagFollow.objects.filter(tag__in=topic.tags.all()).values_list("user_id", flat=True)
        )
    mentioned = _mentioned(body, exclude={actor.pk})
    _notify(
        interested - mentioned - {actor.pk}, verb=Verb.FORUM_NEW_TOPIC, actor=actor, target=topic
    )
    _notify(mentioned, verb=Verb.FORUM_MENTION, actor=actor, target=post)
    activity_record(
        kind="forum.topic",
        actor=actor,
        subject=topic,
        title=topic.title,
        url=topic.get_absolute_url(),
        workspace=category.workspace,
    )
    return topic


def _space_files(actor: User, workspace: Workspace, space_files: Iterable[StoredFile]):
    """Files of the workspace's space to attach: each one the actor may read, of this space."""
    chosen = list(space_files)
    for stored in chosen:
        if stored.workspace_id != workspace.pk or not can(actor, "view", stored):
            raise ValidationError({"space_files": _("This file cannot be attached here.")})
    return chosen


def _attach_stored(post: Post, space_files: list[StoredFile]) -> None:
    for stored in space_files:
        Attachment.objects.create(
            post=post, stored=stored, name=stored.name, content_type=stored.mime, size=stored.size
        )


@transaction.atomic
def post_create(
    *,
    actor: User,
    topic: Topic,
    body: str,
    files: Iterable[UploadedFile] = (),
    space_files: Iterable[StoredFile] = (),
) -> Post:
    topic = Topic.objects.select_for_update().select_related("category__workspace").get(pk=topic.pk)
    require(actor, "reply", topic)
    files = _validate_files(files)
    space_files = _space_files(actor, topic.category.workspace, space_files)
    if len(files) + len(space_files) > settings.FORUM_MAX_ATTACHMENTS:
        raise ValidationError(
            {"files": _("At most %(n)s files per message.") % {"n": settings.FORUM_MAX_ATTACHMENTS}}
        )
    check_rate(actor)
    post = Post(topic=topic, author=actor, body=body, body_html=render_body(body))
    post.full_clean()
    post.save()
    _attach(post, files)
    _attach_stored(post, space_files)
    TopicFollow.objects.get_or_create(user=actor, topic=topic)
    ReadMark.objects.update_or_create(
        user=actor, topic=topic, defaults={"last_read_post_id": post.pk}
    )
    refresh_topic(topic)
    refresh_category(topic.category)
    mentioned = _mentioned(body, exclude={actor.pk})
    _notify(
        _followers(topic, exclude={actor.pk}) - mentioned,
        verb=Verb.FORUM_REPLY,
        actor=actor,
        target=post,
    )
    _notify(mentioned, verb=Verb.FORUM_MENTION, actor=actor, target=post)
    return post


@transaction.atomic
def post_edit(*, actor: User, post: Post, body: str, version: int) -> Post:
    """Edit one's post. Based on an older version, it raises EditConflict (nothing saved)."""
    post = (
        Post.objects.select_for_update()
        .select_related("topic__category__workspace")
        .get(pk=post.pk)
    )
    require(actor, "edit", post)
    if version != post.version:
        raise EditConflict(post)
    if body == post.body:
        return post
    before_mentions = set(markdown.mentions(post.body))
    PostRevision.objects.create(post=post, editor=actor, body=post.body)
    post.body = body
    post.body_html = render_body(body)
    post.edited_at = timezone.now()
    post.version = F("version") + 1
    post.full_clean(exclude=["version"])
    post.save()
    post.refresh_from_db()
    refresh_topic(post.topic)
    new_handles = set(markdown.mentions(body)) - before_mentions
    if new_handles:
        ids = set(User.objects.filter(handle__in=new_handles).values_list("pk", flat=True))
        _notify(ids - {actor.pk}, verb=Verb.FORUM_MENTION, actor=actor, target=post)
    return post


@transaction.atomic
def post_delete(*, actor: User, post: Post) -> None:
    """Soft delete: the post stays, marked deleted, so the thread keeps its shape."""
    require(actor, "delete", post)
    post.deleted_at = timezone.now()
    post.save(update_fields=["deleted_at"])
    topic = post.topic
    if topic.solution_id == post.pk:
        topic.solution = None
        topic.save(update_fields=["solution"])
    refresh_topic(topic)
    refresh_category(topic.category)


@transaction.atomic
def solution_set(*, actor: User, topic: Topic, post: Post | None) -> Topic:
    """Mark `post` as the answer that solved the question (None: no solution)."""
    require(actor, "accept_solution", topic)
    if post is not None and (
        post.topic_id != topic.pk or post.is_first or post.is_deleted or post.is_hidden
    ):
        raise ValidationError(_("Only a visible answer of this topic can be the solution."))
    topic.solution = post
    topic.save(update_fields=["solution"])
    refresh_topic(topic)
    if post is not None and post.author_id and post.author_id != actor.pk:
        _notify([post.author_id], verb=Verb.FORUM_SOLUTION, actor=actor, target=post)
    if post is not None and post.author_id:
        # The feed credits whoever gave the answer: their followers see their solution.
        activity_record(
            kind="forum.solution",
            actor=post.author,
            subject=topic,
            title=topic.title,
            url=post.get_absolute_url(),
            workspace=topic.category.workspace,
        )
    return topic


def reaction_toggle(*, actor: User, post: Post) -> bool:
    """Say (or take back) "this helped me". Returns whether it is now on."""
    require(actor, "react", post)
    with transaction.atomic():
        deleted, _rows = Reaction.objects.filter(post=post, user=actor).delete()
        if not deleted:
            Reaction.objects.create(post=post, user=actor)
        Post.objects.filter(pk=post.pk).update(helpful_count=post.reactions.count())
    return not deleted


# --- Following and reading ----------------------------------------------------------------------


def topic_follow(*, user: User, topic: Topic, follow: bool = True, muted: bool = False) -> None:
    require(user, "follow", topic)
    if follow or muted:
        TopicFollow.objects.update_or_create(user=user, topic=topic, defaults={"muted": muted})
    else:
        TopicFollow.objects.filter(user=user, topic=topic).delete()


def category_follow(*, user: User, category: Category, follow: bool = True) -> None:
    require(user, "follow", category)
    if follow:
        CategoryFollow.objects.get_or_create(user=user, category=category)
    else:
        CategoryFollow.objects.filter(user=user, category=category).delete()


def tag_follow(*, user: User, tag, follow: bool = True) -> None:
    if follow:
        TagFollow.objects.get_or_create(user=user, tag=tag)
    else:
        TagFollow.objects.filter(user=user, tag=tag).delete()


def mark_read(*, user: User, topic: Topic, up_to_post_id: int) -> None:
    if not user.is_authenticated:
        return
    mark, created = ReadMark.objects.get_or_create(
        user=user, topic=topic, defaults={"last_read_post_id": up_to_post_id}
    )
    if not created and mark.last_read_post_id < up_to_post_id:
        ReadMark.objects.filter(pk=mark.pk).update(
            last_read_post_id=up_to_post_id, read_at=timezone.now()
        )


# --- Moderation ---------------------------------------------------------------------------------


def _log(actor, action, *, topic, post=None, reason: str, data=None) -> None:
    if not reason.strip():
        raise ValidationError({"reason": _("Say why: the moderation log keeps it.")})
    ModerationLog.objects.create(
        actor=actor,
        action=action,
        workspace=topic.category.workspace,
        topic=topic,
        post=post,
        reason=reason.strip(),
        data=data or {},
    )


@transaction.atomic
def post_set_hidden(*, actor: User, post: Post, hidden: bool, reason: str) -> Post:
    require(actor, "moderate", post.topic)
    _log(
        actor,
        ModerationAction.HIDE_POST if hidden else ModerationAction.SHOW_POST,
        topic=post.topic,
        post=post,
        reason=reason,
    )
    post.is_hidden = hidden
    post.save(update_fields=["is_hidden"])
    if hidden and post.topic.solution_id == post.pk:
        post.topic.solution = None
        post.topic.save(update_fields=["solution"])
    if hidden:
        Report.objects.filter(post=post, resolved_at__isnull=True).update(
            resolved_at=timezone.now(), resolved_by=actor
        )
    refresh_topic(post.topic)
    refresh_category(post.topic.category)
    return post


@transaction.atomic
def topic_moderate(*, actor: User, topic: Topic, action: str, reason: str) -> Topic:
    """Hide/show, lock/unlock, pin/unpin a topic, with the reason logged."""
    require(actor, "moderate", topic)
    changes = {
        ModerationAction.HIDE_TOPIC: ("is_hidden", True),
        ModerationAction.SHOW_TOPIC: ("is_hidden", False),
        ModerationAction.LOCK: ("is_locked", True),
        ModerationAction.UNLOCK: ("is_locked", False),
        ModerationAction.PIN: ("is_pinned", True),
        ModerationAction.UNPIN: ("is_pinned", False),
    }
    if action not in changes:
        raise ValidationError(_("Unknown moderation action."))
    field, value = changes[action]
    _log(actor, action, topic=topic, reason=reason)
    setattr(topic, field, value)
    topic.save(update_fields=[field])
    refresh_category(topic.category)
    return topic


@transaction.atomic
def topic_move(*, actor: User, topic: Topic, category: Category, reason: str) -> Topic:
    require(actor, "moderate", topic)
    require(actor, "manage", category)
    if category.workspace_id != topic.category.workspace_id:
        raise ValidationError(_("A topic moves only between categories of the same space."))
    old = topic.category
    _log(
        actor,
        ModerationAction.MOVE,
        topic=topic,
        reason=reason,
        data={"from": old.pk, "to": category.pk},
    )
    topic.category = category
    topic.save(update_fields=["category"])
    refresh_category(old)
    refresh_category(category)
    return topic


@transaction.atomic
def topic_merge(*, actor: User, topic: Topic, into: Topic, reason: str) -> Topic:
    """Move every post of `topic` into `into` (by date), then hide `topic`."""
    require(actor, "moderate", topic)
    require(actor, "moderate", into)
    if topic.pk == into.pk:
        raise ValidationError(_("A topic cannot be merged into itself."))
    if topic.category.workspace_id != into.category.workspace_id:
        raise ValidationError(_("Topics merge only within the same space."))
    _log(actor, ModerationAction.MERGE, topic=topic, reason=reason, data={"into": into.pk})
    topic.posts.update(topic=into, is_first=False)
    TopicFollow.objects.filter(topic=topic).exclude(
        user__in=TopicFollow.objects.filter(topic=into).values("user")
    ).update(topic=into)
    if topic.solution_id and not into.solution_id:
        into.solution_id = topic.solution_id
        into.save(update_fields=["solution"])
    topic.solution = None
    topic.is_hidden = True
    topic.is_locked = True
    topic.save(update_fields=["solution", "is_hidden", "is_locked"])
    refresh_topic(topic)
    refresh_topic(into)
    refresh_category(topic.category)
    refresh_category(into.category)
    return into


def report_create(*, actor: User, post: Post, reason: str) -> Report:
    require(actor, "report", post)
    if not reason.strip():
        raise ValidationError({"reason": _("Say what is wrong with this message.")})
    report = Report.objects.create(post=post, reporter=actor, reason=reason.strip())
    moderators = [
        m.user_id
        for m in post.topic.category.workspace.memberships.active().filter(
            role__in=["owner", "moderator"]
        )
    ]
    _notify(moderators, verb=Verb.FORUM_REPORT, actor=actor, target=post)
    return report


@transaction.atomic
def report_dismiss(*, actor: User, report: Report, reason: str) -> None:
    require(actor, "moderate", report.post.topic)
    _log(
        actor,
        ModerationAction.DISMISS_REPORT,
        topic=report.post.topic,
        post=report.post,
        reason=reason,
    )
    report.resolved_at = timezone.now()
    report.resolved_by = actor
    report.save(update_fields=["resolved_at", "resolved_by"])
