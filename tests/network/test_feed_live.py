"""New feed items reach open pages live, through the notification socket: only their id,
only to who may read them."""

from __future__ import annotations

import pytest
from channels.db import aclose_old_connections, database_sync_to_async

from core.activity.models import Activity
from core.activity.services import follow_set
from extranet.network.services import status_create
from tests.core.test_notifications_live import connect, receive
from tests.factories import GroupFactory, MembershipFactory, UserFactory
from tests.network.test_network import solved_topic

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
async def release_the_consumers_database_connection():
    yield
    await aclose_old_connections()


async def test_a_followed_colleagues_post_is_announced_live_by_its_id():
    reader = await database_sync_to_async(UserFactory)()
    author = await database_sync_to_async(UserFactory)()
    await database_sync_to_async(follow_set)(follower=reader, target=author)
    communicator, connected, _ = await connect(reader)
    assert connected
    assert (await receive(communicator))["type"] == "hello"
    status = await database_sync_to_async(status_create)(author=author, text="Bonjour")
    frame = await receive(communicator)
    activity = await Activity.objects.aget(subject_id=str(status.pk))
    assert frame == {"type": "feed", "id": activity.pk}
    await communicator.disconnect()


async def test_a_secret_groups_item_is_not_even_announced_to_an_outside_follower():
    reader = await database_sync_to_async(UserFactory)()
    helper = await database_sync_to_async(UserFactory)()
    asker = await database_sync_to_async(UserFactory)()

    def setup():
        secret = GroupFactory(visibility="secret")
        for person in (helper, asker):
            MembershipFactory(user=person, workspace=secret)
        follow_set(follower=reader, target=helper)
        return secret

    secret = await database_sync_to_async(setup)()
    communicator, connected, _ = await connect(reader)
    assert connected
    assert (await receive(communicator))["type"] == "hello"
    await database_sync_to_async(solved_topic)(secret, asker, helper)
    assert await communicator.receive_nothing(timeout=0.5)
    await communicator.disconnect()
