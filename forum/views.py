"""The forum's pages. Thin: fetch through the permission authority, call a service, say
what happened. Bad input keeps what was typed; an edit conflict loses nothing."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core import uploads
from core.accounts.models import User
from core.permissions import can
from core.views import add_service_errors, get_object_or_deny, require_or_deny
from core.workspaces.models import Workspace
from extranet.files.downloads import serve_version
from extranet.files.permissions import files_visible_to
from forum import selectors, services
from forum.forms import (
    CategoryForm,
    EditForm,
    ModerateTopicForm,
    ReasonForm,
    ReplyForm,
    ReportForm,
    SearchForm,
    TopicForm,
)
from forum.models import (
    Attachment,
    Category,
    ForumTag,
    ModerationAction,
    ModerationLog,
    Post,
    Report,
    TagFollow,
    Topic,
    TopicFollow,
)
from forum.permissions import categories_visible_to, topics_visible_to

TOPICS_PER_PAGE = 30


def _category(request, pk, action="view") -> Category:
    return get_object_or_deny(request, Category.objects.select_related("workspace"), action, pk=pk)


def _topic(request, pk, action="view") -> Topic:
    return get_object_or_deny(
        request,
        Topic.objects.select_related("category__workspace", "author", "solution__author"),
        action,
        pk=pk,
    )


def _post(request, pk, action="view") -> Post:
    return get_object_or_deny(
        request, Post.objects.select_related("topic__category__workspace", "author"), action, pk=pk
    )


# --- Browsing -------------------------------------------------------------------------------


@login_required
def index(request: HttpRequest) -> HttpResponse:
    spaces = selectors.forum_index(request.user)
    recent = selectors.attach_read_state(
        selectors.topic_list(topics_visible_to(request.user), user=request.user)[:10],
        request.user,
    )
    return render(
        request,
        "forum/index.html",
        {
            "spaces": spaces,
            "recent": recent,
            "unread": selectors.unread_topic_count(request.user),
            "reports": selectors.open_reports(request.user).count(),
        },
    )


def workspace_forum(request: HttpRequest, slug: str) -> HttpResponse:
    """One space's forum: its categories, and the latest topics in them."""
    workspace = get_object_or_deny(request, Workspace, "use_forum", slug=slug)
    categories = workspace.forum_categories.all()
    topics = topics_visible_to(request.user).filter(category__workspace=workspace)
    return render(
        request,
        "forum/workspace.html",
        {
            "workspace": workspace,
            "categories": categories,
            "recent": selectors.attach_read_state(
                selectors.topic_list(topics, user=request.user)[:10], request.user
            ),
            "may_manage": can(request.user, "manage_forum", workspace),
        },
    )


def category_detail(request: HttpRequest, pk: int) -> HttpResponse:
    category = _category(request, pk)
    state = request.GET.get("etat", "")
    if state not in selectors.TopicState.CHOICES:
        state = ""
    # The category is visible (checked above): its topics are, but for hidden ones.
    topics = category.topics.all()
    if not can(request.user, "manage", category):
        topics = topics.filter(is_hidden=False)
    topics = selectors.topic_list(topics, user=request.user, state=state, one_category=True)
    page = Paginator(topics, TOPICS_PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = selectors.attach_read_state(page.object_list, request.user)
    following = (
        request.user.is_authenticated and category.follows.filter(user=request.user).exists()
    )
    return render(
        request,
        "forum/category.html",
        {
            "category": category,
            "page_obj": page,
            "topics": page.object_list,
            "state": state,
            "following": following,
            "may_post": can(request.user, "post", category),
        },
    )


def topic_detail(request: HttpRequest, pk: int) -> HttpResponse:
    topic = _topic(request, pk)
    page = Paginator(selectors.topic_posts(topic), selectors.POSTS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    posts = list(page.object_list)
    last_read = 0
    if request.user.is_authenticated:
        mark = topic.read_marks.filter(user=request.user).first()
        last_read = mark.last_read_post_id if mark else 0
        if posts:
            services.mark_read(user=request.user, topic=topic, up_to_post_id=posts[-1].pk)
    first_post = (
        topic.posts.filter(is_first=True).select_related("author").first()
        if page.number > 1
        else None
    )
    solution = (
        topic.solution
        if topic.solution_id and can(request.user, "read_body", topic.solution)
        else None
    )
    reacted = selectors.reacted_post_ids(
        request.user, [p for p in [*posts, first_post, solution] if p is not None]
    )
    for post in [*posts, first_post, solution]:
        if post is not None:
            post.reacted = post.pk in reacted
            post.is_solution = post.pk == topic.solution_id
    follow = (
        TopicFollow.objects.filter(user=request.user, topic=topic).first()
        if request.user.is_authenticated
        else None
    )
    return render(
        request,
        "forum/topic.html",
        {
            "topic": topic,
            "page_obj": page,
            "posts": posts,
            "first_post": first_post,
            "solution": solution,
            "last_read": last_read,
            "follow": follow,
            "reply_form": ReplyForm(space_files=_space_files(request, topic)),
            "tags": list(topic.tags.all()),
            "may_reply": can(request.user, "reply", topic),
            "may_moderate": can(request.user, "moderate", topic),
            "may_accept": can(request.user, "accept_solution", topic),
        },
    )


def post_redirect(request: HttpRequest, pk: int) -> HttpResponse:
    """A post's own address: its topic's page, at the post."""
    post = _post(request, pk)
    number = selectors.post_page_number(post)
    url = post.topic.get_absolute_url()
    if number > 1:
        url += f"?page={number}"
    return redirect(f"{url}#message-{post.pk}")


@login_required
def first_unread(request: HttpRequest, pk: int) -> HttpResponse:
    topic = _topic(request, pk)
    post = selectors.first_unread_post(topic, request.user)
    if post is None:
        messages.info(request, _("You have read everything in this topic."))
        return redirect(topic)
    return post_redirect(request, post.pk)


def tag_detail(request: HttpRequest, slug: str) -> HttpResponse:
    tag = ForumTag.objects.filter(slug=slug).first()
    topics = topics_visible_to(request.user)
    topics = selectors.topic_list(topics, user=request.user, tag=slug) if tag else topics.none()
    page = Paginator(topics, TOPICS_PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = selectors.attach_read_state(page.object_list, request.user)
    following = (
        tag is not None
        and request.user.is_authenticated
        and TagFollow.objects.filter(user=request.user, tag=tag).exists()
    )
    return render(
        request,
        "forum/tag.html",
        {
            "tag": tag,
            "slug": slug,
            "page_obj": page,
            "topics": page.object_list,
            "following": following,
        },
    )


@login_required
def search(request: HttpRequest) -> HttpResponse:
    categories = categories_visible_to(request.user).select_related("workspace")
    form = SearchForm(request.GET or None, categories=categories)
    results = None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        author = None
        if data["author"]:
            author = User.objects.filter(handle=data["author"].lstrip("@")).first()
            if author is None:
                form.add_error("author", _("Nobody has this handle."))
        periods = {"week": 7, "month": 31, "year": 366}
        since = timezone.now() - timedelta(days=periods[data["period"]]) if data["period"] else None
        if not form.errors:
            results = selectors.search_topics(
                request.user,
                selectors.SearchFilters(
                    query=data["q"],
                    state=data["state"],
                    category=data["category"],
                    tag=data["tag"],
                    author=author,
                    since=since,
                ),
            )
    page = Paginator(results or [], TOPICS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "forum/search.html",
        {"form": form, "results": results, "page_obj": page, "topics": page.object_list},
    )


@login_required
@require_GET
def similar(request: HttpRequest) -> JsonResponse:
    """Topics like the question being typed (the new-topic form asks while you type)."""
    title = request.GET.get("q", "")[:200]
    return JsonResponse(
        {
            "results": [
                {"title": t.title, "url": t.get_absolute_url(), "solved": t.is_solved}
                for t in selectors.similar_topics(request.user, title)
            ]
        }
    )


@login_required
@require_GET
def mention_suggestions(request: HttpRequest) -> JsonResponse:
    """Colleagues whose name or handle starts with what follows the @."""
    query = request.GET.get("q", "").strip().lstrip("@")[:50]
    if len(query) < 2:
        return JsonResponse({"results": []})
    people = (
        User.objects.filter(is_active=True)
        .filter(Q(handle__istartswith=query) | Q(display_name__icontains=query))
        .order_by("display_name")[:8]
    )
    return JsonResponse({"results": [{"handle": p.handle, "name": p.display_name} for p in people]})


SPACE_FILES_OFFERED = 30


def _space_files(request: HttpRequest, topic: Topic) -> list:
    """The latest files of the topic's space the user may read, offered as attachments."""
    if not request.user.is_authenticated:
        return []
    return list(
        files_visible_to(request.user)
        .filter(workspace=topic.category.workspace_id)
        .order_by("-updated_at")[:SPACE_FILES_OFFERED]
    )


def attachment(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    item = get_object_or_deny(
        request, Attachment.objects.select_related("post__topic__category__workspace"), pk=pk
    )
    if item.stored_id is not None:
        # A file of the space: served by the files module, to who may also read the file.
        # Out of the trash only: files_visible_to leaves trashed files out.
        stored = (
            files_visible_to(request.user)
            .select_related("workspace", "current", "folder")
            .filter(pk=item.stored_id)
            .first()
        )
        if stored is None or stored.current is None or not can(request.user, "view", stored):
            raise Http404
        return serve_version(request, stored.current, name=stored.name)
    if not item.file:
        raise Http404
    # Older rows kept the browser's word: a type off the list is served as opaque bytes.
    kind = uploads.TYPES.get(item.content_type)
    response = FileResponse(
        item.file.open("rb"),
        content_type=kind.mime if kind else "application/octet-stream",
        as_attachment=not (kind and kind.inline and kind.family == "image"),
        filename=item.name,
    )
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    # A file never runs as a page of the site, whatever it contains.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# --- Writing ----------------------------------------------------------------------------------


@login_required
def topic_create(request: HttpRequest, pk: int) -> HttpResponse:
    category = _category(request, pk, "post")
    form = TopicForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            topic = services.topic_create(
                actor=request.user,
                category=category,
                title=data["title"],
                body=data["body"],
                kind=data["kind"],
                tags=data["tags"],
                files=data["files"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your topic is published."))
            return redirect(topic)
    return render(request, "forum/topic_form.html", {"category": category, "form": form})


@login_required
@require_POST
def reply(request: HttpRequest, pk: int) -> HttpResponse:
    topic = _topic(request, pk, "reply")
    form = ReplyForm(request.POST, request.FILES, space_files=_space_files(request, topic))
    if form.is_valid():
        chosen = form.cleaned_data.get("space_files") or []
        try:
            post = services.post_create(
                actor=request.user,
                topic=topic,
                body=form.cleaned_data["body"],
                files=form.cleaned_data["files"],
                space_files=list(files_visible_to(request.user).filter(pk__in=chosen)),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your answer is published."))
            return redirect(post)
    return render(request, "forum/reply_form.html", {"topic": topic, "form": form}, status=400)


@login_required
def post_edit(request: HttpRequest, pk: int) -> HttpResponse:
    post = _post(request, pk, "edit")
    form = EditForm(request.POST or None, initial={"body": post.body, "version": post.version})
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            services.post_edit(
                actor=request.user,
                post=post,
                body=form.cleaned_data["body"],
                version=form.cleaned_data["version"],
            )
        except services.EditConflict as clash:
            # Show what is saved now, keep what was typed, and let the author merge.
            conflict = clash.post
            form = EditForm(
                initial={"body": form.cleaned_data["body"], "version": clash.post.version}
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your message is updated."))
            return redirect("forum:post", pk=post.pk)
    return render(
        request,
        "forum/post_edit.html",
        {"post": post, "form": form, "conflict": conflict},
        status=409 if conflict else 200,
    )


@login_required
def post_delete(request: HttpRequest, pk: int) -> HttpResponse:
    post = _post(request, pk, "delete")
    if request.method == "POST":
        services.post_delete(actor=request.user, post=post)
        messages.success(request, _("The message is deleted."))
        return redirect(post.topic)
    return render(request, "forum/post_delete.html", {"post": post})


@login_required
@require_POST
def react(request: HttpRequest, pk: int) -> HttpResponse:
    post = _post(request, pk, "react")
    services.reaction_toggle(actor=request.user, post=post)
    return redirect("forum:post", pk=post.pk)


@login_required
@require_POST
def accept_solution(request: HttpRequest, pk: int) -> HttpResponse:
    topic = _topic(request, pk, "accept_solution")
    post_id = request.POST.get("post")
    post = topic.posts.filter(pk=post_id).first() if post_id else None
    if post_id and post is None:
        messages.error(request, _("This answer is not in the topic."))
        return redirect(topic)
    try:
        services.solution_set(actor=request.user, topic=topic, post=post)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("The solution is marked.") if post else _("The topic has no solution any more."),
        )
    return redirect(topic)


@login_required
@require_POST
def follow_topic(request: HttpRequest, pk: int) -> HttpResponse:
    topic = _topic(request, pk, "follow")
    choice = request.POST.get("choice", "follow")
    services.topic_follow(
        user=request.user, topic=topic, follow=choice == "follow", muted=choice == "mute"
    )
    messages.success(
        request,
        {
            "follow": _("You follow this topic: you will be told of new answers."),
            "mute": _("This topic is muted: you will not be told of new answers."),
        }.get(choice, _("You no longer follow this topic.")),
    )
    return redirect(topic)


@login_required
@require_POST
def follow_category(request: HttpRequest, pk: int) -> HttpResponse:
    category = _category(request, pk, "follow")
    follow = request.POST.get("follow") == "1"
    services.category_follow(user=request.user, category=category, follow=follow)
    messages.success(
        request,
        _("You follow this category: you will be told of new topics.")
        if follow
        else _("You no longer follow this category."),
    )
    return redirect(category)


@login_required
@require_POST
def follow_tag(request: HttpRequest, slug: str) -> HttpResponse:
    tag = ForumTag.objects.filter(slug=slug).first()
    if tag is None:
        messages.error(request, _("This tag does not exist."))
        return redirect("forum:index")
    follow = request.POST.get("follow") == "1"
    services.tag_follow(user=request.user, tag=tag, follow=follow)
    messages.success(
        request,
        _("You follow this tag.") if follow else _("You no longer follow this tag."),
    )
    return redirect("forum:tag", slug=slug)


@login_required
def report(request: HttpRequest, pk: int) -> HttpResponse:
    post = _post(request, pk, "report")
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.report_create(actor=request.user, post=post, reason=form.cleaned_data["reason"])
        messages.success(request, _("Thank you: the moderators are told."))
        return redirect("forum:post", pk=post.pk)
    return render(request, "forum/report_form.html", {"post": post, "form": form})


@login_required
def post_history(request: HttpRequest, pk: int) -> HttpResponse:
    post = _post(request, pk, "view_history")
    revisions = post.revisions.select_related("editor")
    return render(request, "forum/post_history.html", {"post": post, "revisions": revisions})


# --- Moderation -------------------------------------------------------------------------------


@login_required
def moderate_post(request: HttpRequest, pk: int) -> HttpResponse:
    post = _post(request, pk)
    require_or_deny(request, "moderate", post.topic)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        hidden = not post.is_hidden
        services.post_set_hidden(
            actor=request.user, post=post, hidden=hidden, reason=form.cleaned_data["reason"]
        )
        messages.success(
            request, _("The message is hidden.") if hidden else _("The message is shown again.")
        )
        return redirect("forum:post", pk=post.pk)
    return render(request, "forum/moderate_post.html", {"post": post, "form": form})


@login_required
def moderate_topic(request: HttpRequest, pk: int) -> HttpResponse:
    topic = _topic(request, pk, "moderate")
    categories = Category.objects.filter(workspace=topic.category.workspace).exclude(
        pk=topic.category_id
    )
    form = ModerateTopicForm(request.POST or None, categories=categories)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["action"] == ModerationAction.MOVE:
                services.topic_move(
                    actor=request.user,
                    topic=topic,
                    category=data["category"],
                    reason=data["reason"],
                )
            elif data["action"] == ModerationAction.MERGE:
                into = topics_visible_to(request.user).filter(pk=data["into"]).first()
                if into is None:
                    raise ValidationError({"into": _("No such topic in your spaces.")})
                topic = services.topic_merge(
                    actor=request.user, topic=topic, into=into, reason=data["reason"]
                )
            else:
                services.topic_moderate(
                    actor=request.user, topic=topic, action=data["action"], reason=data["reason"]
                )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Done, and logged."))
            return redirect(topic)
    return render(request, "forum/moderate_topic.html", {"topic": topic, "form": form})


@login_required
def reports(request: HttpRequest) -> HttpResponse:
    queue = selectors.open_reports(request.user)
    page = Paginator(queue, TOPICS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "forum/reports.html", {"page_obj": page, "reports": page.object_list})


@login_required
@require_POST
def report_dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_deny(
        request, Report.objects.select_related("post__topic__category__workspace"), pk=pk
    )
    form = ReasonForm(request.POST)
    if form.is_valid():
        services.report_dismiss(actor=request.user, report=item, reason=form.cleaned_data["reason"])
        messages.success(request, _("The report is dismissed."))
    else:
        messages.error(request, _("Say why the report is dismissed."))
    return redirect("forum:reports")


@login_required
def moderation_log(request: HttpRequest, slug: str) -> HttpResponse:
    workspace = get_object_or_deny(request, Workspace, "manage_forum", slug=slug)
    entries = ModerationLog.objects.filter(workspace=workspace).select_related(
        "actor", "topic", "post"
    )
    page = Paginator(entries, TOPICS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "forum/moderation_log.html",
        {"workspace": workspace, "page_obj": page, "entries": page.object_list},
    )


@login_required
def categories_manage(request: HttpRequest, slug: str) -> HttpResponse:
    workspace = get_object_or_deny(request, Workspace, "manage_forum", slug=slug)
    form = CategoryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.category_create(actor=request.user, workspace=workspace, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The category is created."))
            return redirect("forum:categories_manage", slug=slug)
    return render(
        request,
        "forum/categories_manage.html",
        {"workspace": workspace, "categories": workspace.forum_categories.all(), "form": form},
    )


@login_required
def category_edit(request: HttpRequest, pk: int) -> HttpResponse:
    category = _category(request, pk, "manage")
    form = CategoryForm(
        request.POST or None, initial={"name": category.name, "description": category.description}
    )
    if request.method == "POST":
        if request.POST.get("delete") == "1":
            try:
                services.category_delete(actor=request.user, category=category)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
                return redirect("forum:category_edit", pk=category.pk)
            messages.success(request, _("The category is deleted."))
            return redirect("forum:categories_manage", slug=category.workspace.slug)
        if form.is_valid():
            services.category_update(actor=request.user, category=category, **form.cleaned_data)
            messages.success(request, _("The category is saved."))
            return redirect(category)
    return render(request, "forum/category_edit.html", {"category": category, "form": form})
