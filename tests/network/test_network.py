"""The network of colleagues: following, the feed, profiles, status posts, who can help."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from core.activity.models import Activity, Follow
from core.activity.services import follow_set
from extranet.network.models import StatusPost
from extranet.network.services import status_create
from forum.models import Category
from forum.services import post_create, solution_set, topic_create
from tests.activity.test_feed import busy_network
from tests.factories import (
    GroupFactory,
    MembershipFactory,
    PlaceFactory,
    UserFactory,
    coordinator,
    france,
    local_admin,
)

pytestmark = pytest.mark.django_db


def solved_topic(group, asker, helper):
    category = Category.objects.create(workspace=group, name="Entraide", slug=f"e-{group.pk}")
    topic = topic_create(actor=asker, category=category, title="Imprimante HS", body="Aide ?")
    answer = post_create(actor=helper, topic=topic, body="Redémarrez le spouleur.")
    solution_set(actor=asker, topic=topic, post=answer)
    return topic


def feed_html(client, **params):
    return client.get(reverse("network:feed"), params).content.decode()


def test_following_a_colleague_shows_their_solution_in_ones_feed(client):
    reader, helper, asker = UserFactory(), UserFactory(), UserFactory()
    group = GroupFactory(visibility="network")
    for person in (helper, asker):
        MembershipFactory(user=person, workspace=group)
    client.force_login(reader)
    response = client.post(reverse("network:follow_person", args=[helper.pk]))
    assert response.status_code == 302
    assert Follow.objects.filter(follower=reader, user=helper).exists()
    solved_topic(group, asker, helper)
    page = feed_html(client)
    assert "Imprimante HS" in page
    assert 'data-kind="forum.solution"' in page
    # Filters: by kind, by group (a group one is not in is not offered: the filter is refused)
    assert "Imprimante HS" not in feed_html(client, kind="files.file")
    assert "Imprimante HS" in feed_html(client, kind="forum.solution")
    assert "not valid" in feed_html(client, group="nope") or "valides" in feed_html(
        client, group="nope"
    )


def test_a_secret_groups_solution_never_reaches_an_outside_follower(client):
    reader, helper, asker = UserFactory(), UserFactory(), UserFactory()
    secret = GroupFactory(visibility="secret")
    for person in (helper, asker):
        MembershipFactory(user=person, workspace=secret)
    follow_set(follower=reader, target=helper)
    solved_topic(secret, asker, helper)
    client.force_login(reader)
    page = feed_html(client)
    assert "Imprimante HS" not in page
    assert 'data-newest="0"' in page  # not even counted
    assert "Imprimante HS" not in feed_html(client, partial="1", after="0")
    # Nor on the helper's profile
    profile = client.get(reverse("accounts:profile", args=[helper.pk])).content.decode()
    assert "Imprimante HS" not in profile
    client.force_login(asker)
    assert "Imprimante HS" in feed_html(client)
    profile = client.get(reverse("accounts:profile", args=[helper.pk])).content.decode()
    assert "Imprimante HS" in profile  # recent solutions, seen by a fellow member


def test_the_live_event_goes_only_to_who_may_read_it(client, monkeypatch):
    sent = []
    monkeypatch.setattr(
        "core.activity.services.broadcast_on_commit", lambda group, event: sent.append(group)
    )
    reader, insider, helper, asker = UserFactory(), UserFactory(), UserFactory(), UserFactory()
    secret = GroupFactory(visibility="secret")
    for person in (helper, asker, insider):
        MembershipFactory(user=person, workspace=secret)
    follow_set(follower=reader, target=helper)
    solved_topic(secret, asker, helper)
    assert f"user.{reader.pk}" not in sent
    assert f"user.{insider.pk}" in sent


def test_the_feed_view_costs_the_same_queries_whatever_its_length(client):
    user = UserFactory()
    client.force_login(user)
    busy_network(user, groups=2, items=3)
    client.get(reverse("network:feed"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("network:feed"))
    busy_network(user, groups=10, items=300)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("network:feed"))
    assert len(many) <= len(few) + 1  # the group filter lists more groups, in one query


@pytest.mark.parametrize(
    "params", [{"before": "abc"}, {"after": "-1"}, {"kind": "nope"}, {"before": "9" * 40}]
)
def test_bad_feed_parameters_get_an_answer_not_a_crash(client, params):
    client.force_login(UserFactory())
    assert client.get(reverse("network:feed"), params).status_code == 200


def test_one_follows_and_unfollows_a_group_but_not_a_secret_one(client):
    user = UserFactory()
    group = GroupFactory(visibility="network")
    client.force_login(user)
    client.post(reverse("network:follow_group", args=[group.slug]))
    assert Follow.objects.filter(follower=user, workspace=group).exists()
    client.post(reverse("network:follow_group", args=[group.slug]), {"follow": "0"})
    assert not Follow.objects.filter(follower=user, workspace=group).exists()
    secret = GroupFactory(visibility="secret")
    assert client.post(reverse("network:follow_group", args=[secret.slug])).status_code == 404


def picture_upload(name="photo.png"):
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), "red").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def test_a_status_with_a_picture_reaches_followers_who_thank_and_comment(client):
    author, follower = UserFactory(), UserFactory()
    follow_set(follower=follower, target=author)
    client.force_login(author)
    response = client.post(
        reverse("network:status_create"),
        {
            "text": "Atelier photo réussi !",
            "link": "https://exemple.fr",
            "picture": picture_upload(),
        },
    )
    assert response.status_code == 302
    status = StatusPost.objects.get()
    assert status.picture is not None and status.picture.workspace == author.personal_workspace
    client.force_login(follower)
    assert "Atelier photo réussi" in feed_html(client)
    picture = client.get(reverse("network:status_picture", args=[status.pk]))
    assert picture.status_code == 200
    client.post(reverse("network:status_react", args=[status.pk]))
    client.post(reverse("network:status_comment", args=[status.pk]), {"text": "Bravo"})
    page = client.get(status.get_absolute_url()).content.decode()
    assert "Bravo" in page and "(1)" in page


def test_a_status_picture_must_be_an_image(client):
    author = UserFactory()
    client.force_login(author)
    fake = SimpleUploadedFile("photo.png", b"MZ\x90\x00 not an image", content_type="image/png")
    response = client.post(
        reverse("network:status_create"), {"text": "Hop", "picture": fake}, follow=True
    )
    assert not StatusPost.objects.exists()
    assert list(response.context["messages"])


def test_an_empty_status_or_comment_is_refused_with_a_message(client):
    author = UserFactory()
    client.force_login(author)
    response = client.post(reverse("network:status_create"), {"text": "   "}, follow=True)
    assert list(response.context["messages"])
    status = status_create(author=author, text="Bonjour")
    client.post(reverse("network:status_comment", args=[status.pk]), {"text": ""})
    assert not status.comments.exists()


def test_author_and_moderators_delete_a_status_others_cannot(client):
    places = france()
    author = UserFactory(home_territory=places["montbeliard"])
    status = status_create(author=author, text="Bonjour")
    client.force_login(UserFactory())
    # Seen, so not hidden (403), but not theirs to delete.
    assert client.post(reverse("network:status_delete", args=[status.pk])).status_code == 403
    client.force_login(local_admin(places["pma"]))
    client.post(reverse("network:status_delete", args=[status.pk]))
    assert not StatusPost.objects.exists()
    assert not Activity.objects.filter(kind="network.status").exists()
    status = status_create(author=author, text="Encore")
    client.force_login(author)
    client.post(reverse("network:status_delete", args=[status.pk]))
    assert not StatusPost.objects.exists()
    status = status_create(author=author, text="Et encore")
    client.force_login(coordinator())
    client.post(reverse("network:status_delete", args=[status.pk]))
    assert not StatusPost.objects.exists()


def test_a_profile_shows_places_groups_in_common_and_the_follow_button(client):
    viewer, person = UserFactory(), UserFactory(bio="Formatrice")
    place = PlaceFactory(nom="EPN des Graviers")
    place.facilitators.add(person)
    group = GroupFactory(visibility="secret", name="Groupe partagé")
    MembershipFactory(user=viewer, workspace=group)
    MembershipFactory(user=person, workspace=group)
    client.force_login(viewer)
    page = client.get(reverse("accounts:profile", args=[person.pk])).content.decode()
    assert "EPN des Graviers" in page
    assert "Groupe partagé" in page
    assert reverse("network:follow_person", args=[person.pk]) in page
    # The chat module is installed: the profile offers to write to the person.
    assert f'href="{reverse("chat:direct", args=[person.pk])}">Envoyer un message</a>' in page
    other = UserFactory()
    client.force_login(other)
    page = client.get(reverse("accounts:profile", args=[person.pk])).content.decode()
    assert "Groupe partagé" not in page


def test_who_can_help_lists_skilled_colleagues_nearest_first(client):
    me = UserFactory()
    PlaceFactory(latitude=47.51, longitude=6.80).facilitators.add(me)
    near, far, too_far, unskilled = (UserFactory() for _ in range(4))
    PlaceFactory(latitude=47.55, longitude=6.80).facilitators.add(near)  # ~4.5 km
    PlaceFactory(latitude=47.70, longitude=6.80).facilitators.add(far)  # ~21 km
    PlaceFactory(latitude=44.74, longitude=1.40).facilitators.add(too_far)  # the Lot
    PlaceFactory(latitude=47.52, longitude=6.80).facilitators.add(unskilled)
    for person in (near, far, too_far):
        person.skills.add("Scratch")
    client.force_login(me)
    page = client.get(reverse("network:help"), {"skill": "scratch", "km": "50"}).content.decode()
    assert str(near) in page and str(far) in page
    assert page.index(str(near)) < page.index(str(far))
    assert str(too_far) not in page and str(unskilled) not in page
    bad = client.get(reverse("network:help"), {"km": "-3"})
    assert bad.status_code == 200 and "km" in bad.content.decode()


def test_only_the_author_and_moderators_delete_a_comment(client):
    from extranet.network.services import comment_create

    author, commenter, other = UserFactory(), UserFactory(), UserFactory()
    status = status_create(author=author, text="Bonjour")
    comment = comment_create(actor=commenter, status=status, text="Salut")
    url = reverse("network:comment_delete", args=[comment.pk])
    client.force_login(other)
    assert client.post(url).status_code == 403  # seen, not theirs
    assert client.post(reverse("network:comment_delete", args=[999999])).status_code == 404
    client.force_login(author)  # the post's author moderates its comments
    assert client.post(url).status_code == 302
    assert not status.comments.exists()
