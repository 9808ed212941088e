"""The feed agrees with the permission authority for every kind of viewer and item: an
item is shown exactly when its subject may be viewed and its group (if any) read."""

import pytest
from django.utils import timezone

from core.activity.models import Activity, Follow
from core.activity.selectors import feed_page
from core.permissions import can
from extranet.network.services import status_create
from forum.models import Category
from forum.services import topic_create
from tests.factories import (
    GroupFactory,
    MembershipFactory,
    UserFactory,
    coordinator,
    france,
    local_admin,
)

pytestmark = pytest.mark.django_db


def test_every_viewer_sees_exactly_what_the_authority_allows(settings):
    settings.FORUM_POSTS_PER_WINDOW_NEW = 100  # one new account opens five topics
    places = france()
    actor = UserFactory()
    groups = {
        "public": GroupFactory(visibility="public"),
        "network": GroupFactory(visibility="network"),
        "secret": GroupFactory(visibility="secret", territory=places["montbeliard"]),
        "archived": GroupFactory(visibility="secret", territory=places["montbeliard"]),
        "no_forum": GroupFactory(visibility="network"),
    }
    viewers = {
        "outsider": UserFactory(),
        "secret_member": UserFactory(),
        "invited": UserFactory(),
        "coordinator": coordinator(),
        "local_admin_here": local_admin(places["pma"]),
        "local_admin_elsewhere": local_admin(places["lot"]),
    }
    MembershipFactory(user=viewers["secret_member"], workspace=groups["secret"])
    MembershipFactory(user=viewers["invited"], workspace=groups["secret"], status="invited")
    for group in groups.values():
        MembershipFactory(user=actor, workspace=group, role="owner")
    for name, group in groups.items():
        category = Category.objects.create(workspace=group, name="Entraide", slug=f"e-{name}")
        topic_create(actor=actor, category=category, title=f"Sujet {name}", body="?")
    groups["no_forum"].forum_enabled = False
    groups["no_forum"].save()
    groups["archived"].archived_at = timezone.now()
    groups["archived"].save()
    closing = UserFactory()
    status_create(author=actor, text="Statut ouvert")
    status_create(author=closing, text="Statut fermé")
    closing.is_active = False
    closing.save()
    for viewer in viewers.values():
        Follow.objects.create(follower=viewer, user=actor)
        Follow.objects.create(follower=viewer, user=closing)

    everything = list(Activity.objects.select_related("workspace"))
    assert len(everything) == 7
    exercised = set()
    for name, viewer in viewers.items():
        viewer = type(viewer).objects.get(pk=viewer.pk)
        shown = {item.pk for item in feed_page(viewer, limit=50).items}
        for item in everything:
            subject = item.subject_type.get_object_for_this_type(pk=item.subject_id)
            allowed = can(viewer, "view", subject) and (
                item.workspace is None or can(viewer, "read", item.workspace)
            )
            exercised.add(allowed)
            assert (item.pk in shown) == allowed, (name, item.title, allowed)
    assert exercised == {True, False}
