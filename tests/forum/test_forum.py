"""The forum as facilitators use it: ask, answer, accept, follow, mention, read, edit,
moderate; and private stays private in every read path."""

from __future__ import annotations

import importlib
import io
import re
from datetime import timedelta

import pytest
from django.apps import apps as django_apps
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from core.notifications.models import Notification
from core.workspaces.models import MembershipRole, Visibility
from core.workspaces.services import network_workspace
from forum import services
from forum.models import ForumTag, ModerationLog, Post
from forum.notifications import Verb
from forum.permissions import topics_visible_to
from forum.selectors import SearchFilters, accepted_answers, search_topics
from tests.factories import GroupFactory, MembershipFactory, UserFactory, coordinator

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()  # posting rate limits live in the cache


def old_account(**kwargs):
    user = UserFactory(**kwargs)
    user.date_joined = timezone.now() - timedelta(days=60)
    user.save()
    return user


@pytest.fixture
def network_category():
    return services.category_create(
        actor=coordinator(), workspace=network_workspace(), name="Matériel et réseaux"
    )


def ask(
    category, author, title="Imprimante introuvable sous Linux", body="Qui a résolu ça ?", **kw
):
    return services.topic_create(actor=author, category=category, title=title, body=body, **kw)


# --- Asking, answering, solving ---------------------------------------------------------------


def test_ask_answer_accept_and_the_solution_shows_under_the_question(client, network_category):
    asker, helper = old_account(display_name="Thomas"), old_account(display_name="Nadia")
    topic = ask(network_category, asker)
    answer = services.post_create(actor=helper, topic=topic, body="Installez `brlaser`.")
    services.post_create(actor=old_account(), topic=topic, body="Pareil chez nous.")
    client.force_login(asker)
    client.post(reverse("forum:accept_solution", args=[topic.pk]), {"post": answer.pk})
    topic.refresh_from_db()
    assert topic.is_solved and topic.solution == answer
    page = client.get(topic.get_absolute_url()).content.decode()
    question_at = page.index("Qui a résolu ça ?")
    solution_at = page.index(f'id="solution-{answer.pk}"')
    assert question_at < solution_at < page.index("Pareil chez nous.")
    assert Notification.objects.filter(recipient=helper, verb=Verb.FORUM_SOLUTION).exists()
    assert accepted_answers(helper, viewer=asker) == 1


def test_only_the_asker_or_a_moderator_accepts_a_solution(client, network_category):
    topic = ask(network_category, old_account())
    answer = services.post_create(actor=old_account(), topic=topic, body="Réponse")
    client.force_login(old_account())
    response = client.post(reverse("forum:accept_solution", args=[topic.pk]), {"post": answer.pk})
    assert response.status_code == 403
    topic.refresh_from_db()
    assert topic.solution is None


def test_lists_filter_solved_unsolved_and_unanswered(client, network_category):
    asker = old_account()
    solved = ask(network_category, asker, title="Résolu")
    answer = services.post_create(actor=old_account(), topic=solved, body="Voilà")
    services.solution_set(actor=asker, topic=solved, post=answer)
    answered = ask(network_category, asker, title="Répondu")
    services.post_create(actor=old_account(), topic=answered, body="Une idée")
    ask(network_category, asker, title="Sans réponse")
    client.force_login(asker)
    url = network_category.get_absolute_url()

    def titles(state):
        response = client.get(url, {"etat": state} if state else {})
        return sorted(t.title for t in response.context["topics"])

    assert titles("solved") == ["Résolu"]
    assert titles("unsolved") == ["Répondu", "Sans réponse"]
    assert titles("unanswered") == ["Sans réponse"]
    assert titles("") == ["Répondu", "Résolu", "Sans réponse"]


def test_tags_have_their_page_and_can_be_followed(client, network_category):
    asker, follower = old_account(), old_account()
    ask(network_category, asker, title="Pilote CUPS", tags=["Linux", "imprimante"])
    client.force_login(follower)
    page = client.get(reverse("forum:tag", args=["linux"]))
    assert [t.title for t in page.context["topics"]] == ["Pilote CUPS"]
    client.post(reverse("forum:follow_tag", args=["linux"]), {"follow": "1"})
    ask(network_category, asker, title="Scanner sous Linux", tags=["linux"])
    assert Notification.objects.filter(recipient=follower, verb=Verb.FORUM_NEW_TOPIC).count() == 1


@pytest.mark.parametrize("bad", ["???", "!!", "#", "🙂", "---", "…", "« »"])
def test_a_tag_without_letters_or_digits_is_refused_with_a_message(client, network_category, bad):
    # Its slug would be empty: no page could have an address, and every list showing the
    # tag would fail to link it.
    client.force_login(old_account())
    response = client.post(
        reverse("forum:topic_create", args=[network_category.pk]),
        {"title": "Pilote", "kind": "question", "body": "Qui sait ?", "tags": f"Linux, {bad}"},
    )
    assert response.status_code == 200
    assert not network_category.topics.exists()
    assert not ForumTag.objects.exists()
    errors = response.context["form"].errors["tags"]
    assert errors == [
        f"« {bad} » ne peut pas être une étiquette : elle doit contenir au moins une lettre "
        "ou un chiffre."
    ]
    assert "« " + bad + " » ne peut pas" in response.content.decode()
    with pytest.raises(ValidationError) as caught:
        ask(network_category, old_account(), tags=[bad])
    assert list(caught.value.message_dict) == ["tags"]


def test_tags_with_some_letters_or_digits_are_accepted(network_category):
    topic = ask(network_category, old_account(), tags=["C++", "Wi-Fi ?", "4G", "Écran"])
    assert sorted(topic.tags.values_list("slug", flat=True)) == ["4g", "c", "wi-fi", "écran"]


@pytest.fixture
def slugless_tag(network_category):
    """A topic tagged with a tag whose slug is empty, as the first release could store."""
    topic = ask(network_category, old_account(), title="Étiquette cassée", tags=["linux"])
    tag = ForumTag.objects.create(name="???", slug="")
    topic.tags.add(tag)
    return topic, tag


def test_a_tag_without_slug_in_the_database_takes_no_page_down(
    client, network_category, slugless_tag
):
    topic, _tag = slugless_tag
    client.force_login(old_account())
    for url in [
        reverse("forum:index"),
        network_category.get_absolute_url(),
        topic.get_absolute_url(),
        reverse("forum:search") + "?q=cass%C3%A9e",
        reverse("forum:tag", args=["linux"]),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        assert "Étiquette cassée" in page, url
        assert '<span class="tag">???</span>' in page, url
        assert 'href="/espace/forum/etiquettes/linux/"' in page, url


def test_the_migration_gives_slugless_tags_a_slug_of_their_own(client, slugless_tag):
    topic, tag = slugless_tag
    ForumTag.objects.create(name="Étiquette 9", slug=f"etiquette-{tag.pk}")  # taken already
    migration = importlib.import_module("forum.migrations.0002_repair_slugless_tags")
    migration.repair_slugless_tags(django_apps, None)
    tag.refresh_from_db()
    assert tag.slug == f"etiquette-{tag.pk}-2"
    assert tag.name == "???"
    assert list(tag.tagged_topics.values_list("content_object", flat=True)) == [topic.pk]
    client.force_login(old_account())
    page = client.get(tag.get_absolute_url())
    assert [t.title for t in page.context["topics"]] == ["Étiquette cassée"]


# --- Following, mentions, read tracking --------------------------------------------------------


def test_followers_hear_of_answers_but_not_when_muted(network_category):
    asker, follower, muter = old_account(), old_account(), old_account()
    topic = ask(network_category, asker)
    services.topic_follow(user=follower, topic=topic)
    services.topic_follow(user=muter, topic=topic, muted=True)
    services.post_create(actor=old_account(), topic=topic, body="Une réponse")
    replies = Notification.objects.filter(verb=Verb.FORUM_REPLY)
    assert set(replies.values_list("recipient", flat=True)) == {asker.pk, follower.pk}


def test_a_mention_notifies_the_colleague_and_links_to_their_profile(network_category):
    sophie = old_account(display_name="Sophie Girard")
    topic = ask(network_category, old_account(), body="@sophie-girard tu as une idée ?")
    post = topic.posts.get()
    assert f'href="/espace/personnes/{sophie.pk}/"' in post.body_html
    notification = Notification.objects.get(recipient=sophie, verb=Verb.FORUM_MENTION)
    assert notification.target == post


def test_mention_completion_suggests_colleagues(client):
    old_account(display_name="Sophie Girard")
    client.force_login(old_account())
    results = client.get(reverse("forum:mentions"), {"q": "@soph"}).json()["results"]
    assert results == [{"handle": "sophie-girard", "name": "Sophie Girard"}]


def test_unread_topics_and_jump_to_the_first_unread(client, network_category):
    reader = old_account()
    topic = ask(network_category, old_account())
    client.force_login(reader)
    client.get(topic.get_absolute_url())  # read everything so far
    first_new = services.post_create(actor=old_account(), topic=topic, body="Nouveau 1")
    services.post_create(actor=old_account(), topic=topic, body="Nouveau 2")
    listing = client.get(network_category.get_absolute_url()).content.decode()
    assert "Nouvelles réponses" in listing or "New answers" in listing
    response = client.get(reverse("forum:first_unread", args=[topic.pk]))
    assert response.status_code == 302
    assert response["Location"].endswith(f"#message-{first_new.pk}")


# --- Editing ----------------------------------------------------------------------------------


def test_two_people_editing_the_same_post_the_second_gets_a_conflict_and_loses_nothing(
    client, network_category
):
    author = old_account()
    topic = ask(network_category, author, body="Version 1")
    post = topic.posts.get()
    client.force_login(author)
    url = reverse("forum:post_edit", args=[post.pk])
    # Two tabs open the edit form at version 1; the first saves.
    client.post(url, {"body": "Version A", "version": 1})
    response = client.post(url, {"body": "Version B, longue et précieuse", "version": 1})
    assert response.status_code == 409
    body = response.content.decode()
    assert "Version A" in body  # what is saved
    assert "Version B, longue et précieuse" in body  # what was typed, kept in the form
    post.refresh_from_db()
    assert post.body == "Version A" and post.version == 2


def test_edits_are_kept_for_moderators(client, network_category):
    author = old_account()
    topic = ask(network_category, author, body="Texte initial")
    post = topic.posts.get()
    services.post_edit(actor=author, post=post, body="Texte corrigé", version=1)
    client.force_login(old_account())
    assert client.get(reverse("forum:post_history", args=[post.pk])).status_code == 403
    client.force_login(coordinator())
    history = client.get(reverse("forum:post_history", args=[post.pk])).content.decode()
    assert "Texte initial" in history and "Texte corrigé" in history


def test_soft_delete_keeps_the_thread_and_hides_the_text(client, network_category):
    author = old_account()
    topic = ask(network_category, author)
    reply = services.post_create(actor=author, topic=topic, body="À supprimer")
    client.force_login(author)
    client.post(reverse("forum:post_delete", args=[reply.pk]))
    reply.refresh_from_db()
    assert reply.deleted_at is not None
    page = client.get(topic.get_absolute_url()).content.decode()
    assert "À supprimer" not in page
    assert Post.objects.filter(pk=reply.pk).exists()


# --- Reactions, attachments, rate limits --------------------------------------------------------


def test_this_helped_me_is_counted_once_per_person(client, network_category):
    topic = ask(network_category, old_account())
    answer = services.post_create(actor=old_account(), topic=topic, body="Essayez ceci")
    reader = old_account()
    client.force_login(reader)
    client.post(reverse("forum:react", args=[answer.pk]))
    answer.refresh_from_db()
    assert answer.helpful_count == 1
    client.post(reverse("forum:react", args=[answer.pk]))  # taken back
    answer.refresh_from_db()
    assert answer.helpful_count == 0


def test_attachments_are_served_through_permissions_and_checked(client, network_category):
    author = old_account()
    pdf = SimpleUploadedFile("notice.pdf", b"%PDF-1.4 notice", content_type="application/pdf")
    topic = ask(network_category, author, files=[pdf])
    attachment = topic.posts.get().attachments.get()
    client.force_login(old_account())
    assert client.get(attachment.get_absolute_url()).status_code == 200
    client.logout()
    assert client.get(attachment.get_absolute_url()).status_code == 302
    client.force_login(author)
    script = SimpleUploadedFile("x.html", b"<script>alert(1)</script>", content_type="text/html")
    response = client.post(
        reverse("forum:reply", args=[topic.pk]), {"body": "Ma pièce jointe", "files": [script]}
    )
    assert response.status_code == 400
    assert "Ma pièce jointe" in response.content.decode()
    big = SimpleUploadedFile("big.pdf", b"0" * (10 * 2**20 + 1), content_type="application/pdf")
    response = client.post(
        reverse("forum:reply", args=[topic.pk]), {"body": "Gros", "files": [big]}
    )
    assert response.status_code == 400
    assert topic.posts.count() == 1


def test_posting_is_rate_limited_more_strictly_for_new_accounts(client, network_category, settings):
    settings.FORUM_POSTS_PER_WINDOW_NEW = 2
    newcomer = UserFactory()
    topic = ask(network_category, old_account())
    client.force_login(newcomer)
    for n in range(2):
        assert (
            client.post(
                reverse("forum:reply", args=[topic.pk]), {"body": f"Message {n}"}
            ).status_code
            == 302
        )
    response = client.post(reverse("forum:reply", args=[topic.pk]), {"body": "Un de trop"})
    assert response.status_code == 400
    assert "Un de trop" in response.content.decode()
    assert topic.posts.count() == 3


# --- Moderation -------------------------------------------------------------------------------


def test_report_hide_and_every_action_is_logged_with_who_and_why(client, network_category):
    topic = ask(network_category, old_account())
    spam = services.post_create(actor=old_account(), topic=topic, body="Achetez mes clés USB")
    reporter = old_account()
    client.force_login(reporter)
    client.post(reverse("forum:report", args=[spam.pk]), {"reason": "Publicité"})
    moderator = coordinator()
    client.force_login(moderator)
    assert "Publicité" in client.get(reverse("forum:reports")).content.decode()
    client.post(reverse("forum:moderate_post", args=[spam.pk]), {"reason": "Spam"})
    spam.refresh_from_db()
    assert spam.is_hidden
    log = ModerationLog.objects.get(post=spam)
    assert (log.actor, log.action, log.reason) == (moderator, "hide_post", "Spam")
    client.force_login(reporter)
    assert "Achetez" not in client.get(topic.get_absolute_url()).content.decode()


def test_moderation_needs_a_reason(client, network_category):
    topic = ask(network_category, old_account())
    client.force_login(coordinator())
    response = client.post(
        reverse("forum:moderate_topic", args=[topic.pk]), {"action": "lock", "reason": ""}
    )
    assert response.status_code == 200
    topic.refresh_from_db()
    assert not topic.is_locked


def test_lock_pin_move_and_merge(client, network_category):
    other = services.category_create(
        actor=coordinator(), workspace=network_workspace(), name="Logiciels libres"
    )
    first = ask(network_category, old_account(), title="Doublon")
    second = ask(network_category, old_account(), title="Original")
    services.post_create(actor=old_account(), topic=first, body="Réponse au doublon")
    boss = coordinator()
    client.force_login(boss)
    url = reverse("forum:moderate_topic", args=[second.pk])
    client.post(url, {"action": "lock", "reason": "Clos"})
    client.post(url, {"action": "pin", "reason": "Important"})
    client.post(url, {"action": "move", "category": other.pk, "reason": "Mauvaise catégorie"})
    second.refresh_from_db()
    assert second.is_locked and second.is_pinned and second.category == other
    replier = old_account()
    client.force_login(replier)
    assert client.post(reverse("forum:reply", args=[second.pk]), {"body": "x"}).status_code == 403
    # Merge needs the same space; merged posts land in the target, the duplicate disappears.
    target = ask(other, old_account(), title="Cible")
    client.force_login(boss)
    client.post(
        reverse("forum:moderate_topic", args=[first.pk]),
        {"action": "merge", "into": target.pk, "reason": "Doublon"},
    )
    first.refresh_from_db()
    assert first.is_hidden
    assert target.posts.filter(body="Réponse au doublon").exists()
    assert ModerationLog.objects.filter(actor=boss).count() == 4


# --- Search and similar topics -----------------------------------------------------------------


def test_search_with_filters_and_similar_topics(client, network_category):
    asker = old_account(display_name="Thomas Lacombe")
    printer = ask(
        network_category,
        asker,
        title="Imprimante Brother introuvable",
        body="Le pilote CUPS ne trouve pas l'imprimante.",
        tags=["linux"],
    )
    ask(network_category, old_account(), title="Tablette bloquée à l'inscription")
    user = old_account()
    found = search_topics(user, SearchFilters(query="imprimante"))
    assert [t.pk for t in found] == [printer.pk]
    assert search_topics(user, SearchFilters(query="imprimante", state="solved")) == []
    assert search_topics(user, SearchFilters(query="pilote", author=asker)) == [printer]
    client.force_login(user)
    response = client.get(reverse("forum:search"), {"q": "imprimante", "author": "thomas-lacombe"})
    assert [t.pk for t in response.context["topics"]] == [printer.pk]
    similar = client.get(reverse("forum:similar"), {"q": "imprimante introuvable"}).json()
    assert similar["results"][0]["title"] == "Imprimante Brother introuvable"


# --- Private stays private ---------------------------------------------------------------------


@pytest.fixture
def secret_forum():
    owner = old_account()
    group = GroupFactory(visibility=Visibility.SECRET, name="Comité secret")
    MembershipFactory(workspace=group, user=owner, role=MembershipRole.OWNER)
    category = services.category_create(actor=owner, workspace=group, name="Coulisses")
    topic = ask(category, owner, title="Budget confidentiel des rencontres", body="@outsider-x ?")
    return group, category, topic, owner


def test_a_non_member_never_sees_a_secret_groups_topic(client, secret_forum, mailoutbox):
    _group, category, topic, owner = secret_forum
    outsider = old_account(display_name="Outsider X")
    outsider.handle = "outsider-x"
    outsider.save()
    # Mentioned from a secret group: no notification, no e-mail for someone who cannot see it.
    services.post_create(actor=owner, topic=topic, body="@outsider-x regarde")
    assert not Notification.objects.filter(recipient=outsider).exists()
    assert all("Budget confidentiel" not in m.body for m in mailoutbox if outsider.email in m.to)
    client.force_login(outsider)
    for url in [
        reverse("forum:index"),
        reverse("forum:search") + "?q=budget",
        reverse("forum:tag", args=["x"]),
    ]:
        assert "Budget confidentiel" not in client.get(url).content.decode()
    assert client.get(topic.get_absolute_url()).status_code == 404
    assert client.get(category.get_absolute_url()).status_code == 404
    assert client.get(reverse("forum:post", args=[topic.posts.first().pk])).status_code == 404
    assert (
        client.get(reverse("forum:similar"), {"q": "budget confidentiel"}).json()["results"] == []
    )
    assert topic not in topics_visible_to(outsider)


def test_xss_in_titles_posts_and_tags_is_never_active(client, network_category):
    author = old_account()
    topic = ask(
        network_category,
        author,
        title='<script>alert("titre")</script>',
        body="<img src=x onerror=alert(1)> [clic](javascript:alert(2)) <svg onload=alert(3)>",
        tags=['<b onmouseover="alert(4)">tag</b>'],
    )
    client.force_login(author)
    for url in [
        topic.get_absolute_url(),
        network_category.get_absolute_url(),
        reverse("forum:index"),
    ]:
        page = client.get(url).content.decode()
        assert '<script>alert("titre")' not in page
        assert not re.search(r"<[^>]+\son\w+\s*=", page.split("<body", 1)[1].replace("\n", " "))
        assert "javascript:alert" not in page.replace("[clic](javascript:alert(2))", "")


def test_a_post_shows_its_attachment_image_but_no_path_that_climbs_out(client, network_category):
    author = old_account()
    # A real picture: attachments are checked on their content (core.uploads).
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "teal").save(buffer, "PNG")
    png = SimpleUploadedFile("capture écran.png", buffer.getvalue(), content_type="image/png")
    topic = ask(network_category, author, files=[png])
    image = topic.posts.get().attachments.get().get_absolute_url()
    hostile = "/espace/forum/pieces-jointes/../../../api/lieux.csv"
    services.post_create(actor=author, topic=topic, body=f"![Capture]({image}) ![x]({hostile})")
    client.force_login(old_account())
    page = client.get(topic.get_absolute_url()).content.decode()
    assert f'<img src="{image}" alt="Capture"' in page
    assert f'<img src="{hostile}"' not in page


def test_rerendering_posts_applies_todays_rules_to_stored_html(network_category):
    hostile = "/espace/forum/pieces-jointes/%2e%2e/%2e%2e/%2e%2e/api/lieux.csv"
    topic = ask(network_category, old_account(), body=f"Voir ![x]({hostile})")
    post = topic.posts.get()
    # What the first release (a prefix test on the path) stored for this post.
    stored = f'<p>Voir <img src="{hostile}" alt="x" loading="lazy"></p>'
    Post.objects.filter(pk=post.pk).update(body_html=stored)
    untouched = services.post_create(actor=old_account(), topic=topic, body="Merci")
    out = io.StringIO()
    call_command("forum_rerender_posts", stdout=out)
    post.refresh_from_db()
    assert "<img" not in post.body_html
    assert f'href="{hostile}"' in post.body_html
    assert Post.objects.get(pk=untouched.pk).body_html == untouched.body_html
    assert "1" in out.getvalue()


# --- Query counts -----------------------------------------------------------------------------


def test_category_list_query_count_does_not_grow_with_topics(
    client, network_category, django_assert_max_num_queries
):
    for i in range(12):
        ask(network_category, old_account(), title=f"Sujet {i}", tags=["linux", f"t{i}"])
    client.force_login(old_account())
    client.get(network_category.get_absolute_url())
    with django_assert_max_num_queries(12):
        client.get(network_category.get_absolute_url())


def test_topic_page_query_count_does_not_grow_with_posts(
    client, network_category, django_assert_max_num_queries
):
    topic = ask(network_category, old_account())
    for i in range(20):
        services.post_create(actor=old_account(), topic=topic, body=f"Réponse {i}")
    reader = old_account()
    client.force_login(reader)
    client.get(topic.get_absolute_url())
    with django_assert_max_num_queries(40):
        client.get(topic.get_absolute_url())


def test_profile_shows_accepted_answers(client, network_category):
    asker, helper = old_account(), old_account()
    topic = ask(network_category, asker)
    answer = services.post_create(actor=helper, topic=topic, body="Solution")
    services.solution_set(actor=asker, topic=topic, post=answer)
    client.force_login(asker)
    page = client.get(reverse("accounts:profile", args=[helper.pk])).content.decode()
    assert "1 réponse acceptée" in page or "1 accepted answer" in page


def test_anonymous_visitors_read_a_public_group_without_peoples_names(client):
    group = GroupFactory(visibility=Visibility.PUBLIC, forum_enabled=True, slug="entraide")
    owner = MembershipFactory(
        workspace=group,
        role=MembershipRole.OWNER,
        user=old_account(display_name="Odile Propriétaire"),
    ).user
    asker = MembershipFactory(workspace=group, user=old_account(display_name="Thomas Auteur")).user
    helper = MembershipFactory(
        workspace=group, user=old_account(display_name="Nadia Répondante")
    ).user
    category = services.category_create(actor=owner, workspace=group, name="Imprimantes")
    topic = ask(category, asker, tags=["imprimante"])
    answer = services.post_create(actor=helper, topic=topic, body="Installez `brlaser`.")
    services.solution_set(actor=asker, topic=topic, post=answer)
    pages = [
        reverse("workspaces:detail", args=[group.slug]),
        reverse("forum:workspace", args=[group.slug]),
        category.get_absolute_url(),
        topic.get_absolute_url(),
        reverse("forum:tag", args=["imprimante"]),
    ]
    names = ["Odile Propriétaire", "Thomas Auteur", "Nadia Répondante"]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert [n for n in names if n in body] == [], url
    assert "Installez" in client.get(topic.get_absolute_url()).content.decode()
    # Signed in, a member of the network sees who runs the group and who wrote what.
    client.force_login(old_account())
    assert "Odile Propriétaire" in client.get(pages[0]).content.decode()
    assert "Thomas Auteur" in client.get(pages[2]).content.decode()
    topic_page = client.get(pages[3]).content.decode()
    assert "Thomas Auteur" in topic_page and "Nadia Répondante" in topic_page


def test_profiles_list_and_count_only_what_the_viewer_may_read(client, network_category):
    secret = GroupFactory(name="Cellule discrète", visibility=Visibility.SECRET, forum_enabled=True)
    owner = MembershipFactory(workspace=secret, role=MembershipRole.OWNER, user=old_account()).user
    helper = MembershipFactory(workspace=secret, user=old_account()).user
    invited = MembershipFactory(workspace=secret, status="invited", user=old_account()).user
    outsider = old_account()
    # One accepted answer in the network's forum, one in the secret group's.
    topic = ask(network_category, old_account())
    services.solution_set(
        actor=topic.author,
        topic=topic,
        post=services.post_create(actor=helper, topic=topic, body="Réponse publique"),
    )
    secret_category = services.category_create(actor=owner, workspace=secret, name="Projets")
    hidden = ask(secret_category, owner, title="Question discrète")
    services.solution_set(
        actor=owner,
        topic=hidden,
        post=services.post_create(actor=helper, topic=hidden, body="Réponse discrète"),
    )
    assert accepted_answers(helper, viewer=outsider) == 1
    assert accepted_answers(helper, viewer=invited) == 1
    assert accepted_answers(helper, viewer=owner) == 2
    profile = reverse("accounts:profile", args=[helper.pk])
    for viewer, count, listed in ((outsider, 1, False), (invited, 1, False), (owner, 2, True)):
        client.force_login(viewer)
        page = client.get(profile).content.decode()
        assert ("Cellule discrète" in page) == listed
        assert f"{count} réponses acceptées" in page or f"{count} réponse acceptée" in page


def test_a_solved_topic_page_has_no_duplicate_id_and_no_form_in_an_inline_element(
    client, network_category
):
    """The accepted answer is shown twice (in the thread, under the question): its parts
    must not repeat an id, and its "This helped me" form sits in a block, not a span."""
    from html.parser import HTMLParser

    asker, helper = old_account(), old_account()
    topic = ask(network_category, asker)
    answer = services.post_create(actor=helper, topic=topic, body="Installez `brlaser`.")
    services.solution_set(actor=asker, topic=topic, post=answer)
    client.force_login(old_account())  # may react: the form is shown

    class Check(HTMLParser):
        INLINE = {"span", "a", "em", "strong", "b", "i", "label", "small"}

        def __init__(self):
            super().__init__()
            self.ids, self.duplicates, self.open, self.forms_in_inline = set(), [], [], 0

        def handle_starttag(self, tag, attrs):
            attributes = dict(attrs)
            if "id" in attributes:
                if attributes["id"] in self.ids:
                    self.duplicates.append(attributes["id"])
                self.ids.add(attributes["id"])
            if tag == "form" and any(t in self.INLINE for t in self.open):
                self.forms_in_inline += 1
            if tag not in {"input", "br", "img", "meta", "link", "source", "hr"}:
                self.open.append(tag)

        def handle_endtag(self, tag):
            if tag in self.open:
                del self.open[len(self.open) - 1 - self.open[::-1].index(tag) :]

    check = Check()
    check.feed(client.get(topic.get_absolute_url()).content.decode())
    assert check.duplicates == []
    assert check.forms_in_inline == 0
    assert f'id="solution-{answer.pk}"' in client.get(topic.get_absolute_url()).content.decode()
