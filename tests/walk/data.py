"""The demo network at two sizes, and the objects the page walk shows.

`load()` runs the demo loaders (`manage.py load_demo`) and adds one of each thing the demo
lacks (a report, an attachment, a photo, a private page, a shared folder...); `grow(n)` then
adds `n` more of everything a page lists: members, groups, topics, replies, events,
workshops, registrations, places, revisions, files, notifications, news... so that a page
costing a query per item shows it. The objects a page is about (the topic, the group, the
place, the folder) are chosen once, from the demo, and are the ones `grow` makes bigger.
"""

from __future__ import annotations

import io
from datetime import date, timedelta
from functools import cached_property
from pathlib import Path
from typing import Any

from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from allauth.account.utils import user_pk_to_url_str
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.models import Collection, CollectionViewRestriction, PageViewRestriction

from calendars.models import (
    Attendance,
    Event,
    Registration,
    RegistrationStatus,
    SurveyResponse,
    Workshop,
)
from calendars.recurrence import occurrence_key
from calendars.services.calendars import calendar_for_workspace
from calendars.services.events import event_create, feed_token_get_or_create
from calendars.services.workshops import SessionTimes, registration_create, workshop_create
from core.accounts.models import Invitation, NetworkRole, User
from core.accounts.services import invitation_create, user_create
from core.notifications.emails import unsubscribe_token
from core.notifications.models import Notification
from core.notifications.services import notifications_create
from core.territories.models import Territory, TerritoryKind, TerritoryRole
from core.workspaces.models import (
    JoinPolicy,
    Membership,
    MembershipRole,
    MembershipStatus,
    Visibility,
    Workspace,
)
from core.workspaces.services import group_create, network_workspace
from extranet.documents import services as documents
from extranet.documents.models import Document as CoDocument
from extranet.documents.models import Version as CoVersion
from extranet.documents.ydoc import html_tree, state_from_tree
from extranet.files.models import File, Folder, ShareLink
from extranet.files.services import file_trash, file_upload, folder_create, share_link_create
from forum.models import Attachment, Post, PostRevision, Report, Topic
from forum.notifications import Verb
from forum.services import refresh_category, refresh_topic, render_body
from geodirectory.models import Place, PlacePhoto, PlaceRevision
from geodirectory.services import place_save
from public_site.models import (
    HomePage,
    NewsIndexPage,
    NewsPage,
    PressArticle,
    PressReviewPage,
    StandardPage,
)

FACILITATOR = "sophie.girard@maillage.localhost"  # runs the EPN de la Petite-Hollande
COORDINATOR = "coordination@maillage.localhost"
COLLEAGUE = "thomas.lacombe@maillage.localhost"
PLACE = "maillage-pma-petite-hollande"
GROUP = "EPN du Pays de Montbéliard"  # the facilitator moderates it
FOLDER = "Ateliers"  # in the group's shared files
POST_BODY = (
    "Le pilote **Brother** ne répond plus après la mise à jour.\n\n"
    "```bash\nsudo apt install printer-driver-brlaser\n```\n\n> Ça marchait hier."
)


def _png(colour: str = "#00557f") -> bytes:
    output = io.BytesIO()
    PILImage.new("RGB", (64, 48), colour).save(output, format="PNG")
    return output.getvalue()


class Demo:
    """The demo's people and the objects each walked page is about."""

    def __init__(self) -> None:
        self.grown = 0  # how many times `grow` added a batch (numbers new names)
        self.invitation_token = ""

    # --- people ---------------------------------------------------------------------------
    @cached_property
    def facilitator(self) -> User:
        return User.objects.get(email=FACILITATOR)

    @cached_property
    def coordinator(self) -> User:
        return User.objects.get(email=COORDINATOR)

    @cached_property
    def colleague(self) -> User:
        return User.objects.get(email=COLLEAGUE)

    # --- kernel -----------------------------------------------------------------------------
    @cached_property
    def group(self) -> Workspace:
        return Workspace.objects.get(kind="group", name=GROUP)

    @cached_property
    def bookmark(self):
        from extranet.dashboard.models import Bookmark

        return Bookmark.objects.get_or_create(
            owner=self.facilitator, title="Forum", defaults={"url": "/espace/forum/"}
        )[0]

    @cached_property
    def status(self):
        from extranet.network.models import StatusPost
        from extranet.network.services import status_create

        found = StatusPost.objects.filter(author=self.colleague).order_by("pk").first()
        return found or status_create(author=self.colleague, text="Bonjour le réseau !")

    @cached_property
    def status_comment(self):
        from extranet.network.models import StatusComment

        return StatusComment.objects.get_or_create(
            status=self.status, author=self.facilitator, defaults={"text": "Bravo !"}
        )[0]

    @cached_property
    def membership_request(self) -> Membership:
        return Membership.objects.filter(
            workspace=self.group, status=MembershipStatus.REQUESTED
        ).earliest("pk")

    @cached_property
    def notification(self) -> Notification:
        return Notification.objects.filter(recipient=self.facilitator).earliest("pk")

    @cached_property
    def unsubscribe_token(self) -> str:
        return unsubscribe_token(self.facilitator)

    @cached_property
    def invitation(self) -> Invitation:
        return Invitation.objects.filter(accepted_at=None, revoked_at=None).earliest("pk")

    @cached_property
    def territory_role(self) -> TerritoryRole:
        return TerritoryRole.objects.earliest("pk")

    @cached_property
    def email_confirmation_key(self) -> str:
        address = EmailAddress.objects.get(user=self.colleague, primary=True)
        return EmailConfirmationHMAC(address).key

    @cached_property
    def password_reset(self) -> tuple[str, str]:
        user = self.colleague
        return user_pk_to_url_str(user), default_token_generator.make_token(user)

    # --- forum ------------------------------------------------------------------------------
    @cached_property
    def topic(self) -> Topic:
        network = network_workspace()
        return Topic.objects.filter(category__workspace=network).order_by("-reply_count", "pk")[0]

    @cached_property
    def category(self):
        return self.topic.category

    @cached_property
    def post(self) -> Post:
        return self.topic.posts.get(is_first=True)

    @cached_property
    def tag(self):
        return self.topic.tags.order_by("pk")[0]

    @cached_property
    def report(self) -> Report:
        return Report.objects.filter(post=self.post).earliest("pk")

    @cached_property
    def attachment(self) -> Attachment:
        return Attachment.objects.filter(post=self.post).earliest("pk")

    # --- calendars and workshops ------------------------------------------------------------
    @cached_property
    def calendar(self):
        return calendar_for_workspace(network_workspace())

    @cached_property
    def event(self) -> Event:
        return self.calendar.events.filter(workshop=None, repeat_every_weeks__gt=0).earliest("pk")

    @cached_property
    def occurrence_key(self) -> str:
        return occurrence_key(self.event.start)

    @cached_property
    def workshop(self) -> Workshop:
        return Workshop.objects.filter(place=self.place, starts_at__gt=timezone.now()).earliest(
            "starts_at"
        )

    @cached_property
    def session(self) -> Event:
        return self.workshop.sessions.earliest("start")

    @cached_property
    def registration(self) -> Registration:
        return self.workshop.registrations.earliest("pk")

    @cached_property
    def survey_registration(self) -> Registration:
        return (
            Registration.objects.filter(
                workshop__place=self.place,
                workshop__ends_at__lt=timezone.now(),
                status=RegistrationStatus.CONFIRMED,
                attendances__present=True,
            )
            .exclude(email="")
            .earliest("pk")
        )

    @cached_property
    def feed_token(self):
        return feed_token_get_or_create(actor=self.facilitator, calendar=self.calendar)

    # --- directory --------------------------------------------------------------------------
    @cached_property
    def place(self) -> Place:
        return Place.objects.get(id_schema=PLACE)

    @cached_property
    def photo(self) -> PlacePhoto:
        return self.place.photos.earliest("pk")

    # --- shared files -----------------------------------------------------------------------
    @cached_property
    def folder(self) -> Folder:
        return Folder.objects.get(workspace=self.group, parent=None, name=FOLDER)

    @cached_property
    def subfolder(self) -> Folder:
        return Folder.objects.filter(parent=self.folder).earliest("pk")

    @cached_property
    def file(self) -> File:
        return File.objects.select_related("current").filter(folder=self.folder).earliest("pk")

    @cached_property
    def share_link(self) -> ShareLink:
        return ShareLink.objects.filter(folder=self.folder).earliest("pk")

    # --- chat -------------------------------------------------------------------------------
    @cached_property
    def chat_room(self):
        from extranet.chat.models import Room

        return Room.objects.get(kind="group", workspace=self.group)

    @cached_property
    def chat_message(self):
        return self.chat_room.messages.earliest("seq")

    @cached_property
    def chat_attachment(self):
        from extranet.chat.models import Attachment

        return Attachment.objects.filter(message__room=self.chat_room).earliest("pk")

    # --- co-edited documents (the demo's agenda in the group) ------------------------------
    @cached_property
    def co_document(self) -> CoDocument:
        return CoDocument.objects.filter(workspace=self.group).earliest("pk")

    @cached_property
    def co_version(self) -> CoVersion:
        return self.co_document.versions.earliest("pk")

    # --- Wagtail ----------------------------------------------------------------------------
    @cached_property
    def document(self) -> Any:
        return get_document_model().objects.earliest("pk")

    @cached_property
    def news_page_url(self) -> str:
        return NewsPage.objects.live().order_by("path")[0].get_url()

    @cached_property
    def page_restriction(self) -> PageViewRestriction:
        return PageViewRestriction.objects.earliest("pk")

    @cached_property
    def collection_restriction(self) -> CollectionViewRestriction:
        return CollectionViewRestriction.objects.earliest("pk")


def load(territories: Path | None = None) -> Demo:
    """The demo network (territories from `territories`, a CSV file, or all of France), plus
    one of each thing it lacks."""
    options = {"verbosity": 0}
    if territories:
        options["file"] = territories
    call_command("load_territories", **options)
    call_command("load_demo", quiet_accounts=True, stdout=io.StringIO())
    demo = Demo()
    _complete(demo)
    return demo


@transaction.atomic
def _complete(d: Demo) -> None:
    # A message reported, with an attachment; a photo of the place; a pending invitation
    # whose link is known; a page and a collection of documents behind a password.
    Report.objects.create(post=d.post, reporter=d.colleague, reason="Hors sujet.")
    Attachment.objects.create(
        post=d.post,
        file=ContentFile(b"Notes de l'atelier.\n", name="notes.txt"),
        name="notes.txt",
        content_type="text/plain",
        size=20,
    )
    _photo(d.place, 0)
    _invitation, d.invitation_token = invitation_create(
        actor=d.coordinator, email="invitee.walk@exemple.fr", message="Bienvenue !"
    )
    home = HomePage.objects.get()
    private = home.add_child(
        instance=StandardPage(title="Espace partenaires", slug="partenaires", show_in_menus=True)
    )
    private.save_revision().publish()
    PageViewRestriction.objects.create(
        page=private, restriction_type=PageViewRestriction.PASSWORD, password="partenaires"
    )
    # A folder of the group's files with a subfolder and a file, shared by a public link.
    folder = folder_create(actor=d.facilitator, workspace=d.group, parent=None, name=FOLDER)
    folder_create(actor=d.facilitator, workspace=d.group, parent=folder, name="Supports")
    _upload(d, folder, "programme.csv")
    share_link_create(actor=d.facilitator, item=folder)
    # The group's chat room, a message with that file attached, a reply with a reaction.
    _chat(d, d.facilitator, "walk", files=[d.file.pk])
    chat_direct_start(actor=d.facilitator, people=[d.colleague])  # unnamed: named after people
    # A named version of the group's co-edited document, and someone in it.
    documents.version_name(actor=d.facilitator, document=d.co_document, name="Avant la réunion")
    documents.presence_enter(
        document_id=d.co_document.pk, user_id=d.colleague.pk, channel_name="walk.presence"
    )
    internal = Collection.get_first_root_node().add_child(name="Documents internes")
    CollectionViewRestriction.objects.create(
        collection=internal,
        restriction_type=CollectionViewRestriction.PASSWORD,
        password="interne",
    )


def chat_direct_start(**kwargs):
    from extranet.chat import services as chat

    return chat.direct_start(**kwargs)


def _chat(d: Demo, author: User, key: str, files=()) -> None:
    from extranet.chat import services as chat

    room = chat.group_room(workspace=d.group)
    first, _created = chat.message_post(
        actor=author,
        room=room,
        body=f"Bonjour @{author.handle} **{key}**",
        client_id=key,
        file_ids=files,
    )
    reply, _created = chat.message_post(
        actor=author, room=room, body="Réponse", client_id=f"{key}-r", reply_to=first.seq
    )
    chat.reaction_toggle(actor=author, message=reply, emoji="👍")
    chat.direct_start(actor=author, people=[d.colleague, d.coordinator], name=f"Direct {key}")


def _upload(d: Demo, folder: Folder | None, name: str) -> None:
    data = b"Date;Atelier;Places\n2027-01-12;Premiers pas sur tablette;8\n"
    file_upload(
        actor=d.facilitator,
        workspace=d.group,
        folder=folder,
        upload=SimpleUploadedFile(name, data),
        name=name,
    )


def _photo(place: Place, n: int) -> PlacePhoto:
    return PlacePhoto.objects.create(
        place=place,
        image=ContentFile(_png(), name=f"photo-{n}.png"),
        alt_text=f"La salle, vue {n}",
        position=n,
    )


@transaction.atomic
def grow(d: Demo, n: int) -> None:
    """Add `n` more of everything the walked pages list (see the module's docstring)."""
    d.grown += 1
    batch = d.grown
    now = timezone.now()
    commune = Territory.objects.get(kind=TerritoryKind.COMMUNE, code="25388")
    people = []
    for i in range(n):
        person = user_create(
            email=f"membre.{batch}.{i}@exemple.fr",
            display_name=f"Membre {batch}-{i}",
            password="x" * 12,
            email_verified=True,
            network_role=NetworkRole.FACILITATOR,
            home_territory=commune,
        )
        person.skills.set(["tablettes", f"compétence {i}"])
        Membership.objects.create(
            user=person,
            workspace=d.group,
            role=MembershipRole.MEMBER,
            status=MembershipStatus.REQUESTED if i % 3 == 0 else MembershipStatus.ACTIVE,
        )
        people.append(person)
    for i, person in enumerate(people):
        group_create(
            creator=person,
            name=f"Groupe {batch}-{i}",
            description="Un groupe de travail.",
            visibility=[Visibility.PUBLIC, Visibility.NETWORK, Visibility.SECRET][i % 3],
            join_policy=JoinPolicy.OPEN,
            modules=["forum", "calendar"],
        )
        if i % 2:
            TerritoryRole.objects.get_or_create(user=person, territory=commune)
    _grow_forum(d, people, n, batch, now)
    _grow_calendars(d, people, n, batch, now)
    _grow_directory(d, people, n, batch)
    _grow_public_site(n, batch)
    _grow_files(d, n, batch)
    _grow_chat(d, people, batch)
    _grow_network(d, people, batch)
    _grow_documents(d, n, batch)
    for i in range(n):
        invitation_create(
            actor=d.coordinator, email=f"invite.{batch}.{i}@exemple.fr", territory=commune
        )
    notifications_create(
        recipients=[d.facilitator, d.coordinator],
        verb=Verb.FORUM_REPLY,
        actor=people[0],
        target=d.post,
    )


def _grow_chat(d: Demo, people: list[User], batch: int) -> None:
    """Messages in the group's room, and a conversation of each newcomer with the
    facilitator (whose list of rooms grows)."""
    from extranet.chat import services as chat

    for i, person in enumerate(people):
        if i % 3 == 0:  # their membership is only requested: not in the room
            continue
        _chat(d, person, f"g{batch}-{i}")
        chat.direct_start(actor=person, people=[d.facilitator])


def _grow_forum(d: Demo, people: list[User], n: int, batch: int, now) -> None:
    html = render_body(POST_BODY)
    for i in range(n):
        topic = Topic.objects.create(
            category=d.category,
            author=people[i],
            title=f"Question {batch}-{i} sur les imprimantes",
            last_post_at=now,
            last_post_author=people[i],
        )
        topic.tags.set([d.tag.name, f"sujet-{batch}-{i}"])
        Post.objects.create(
            topic=topic, author=people[i], is_first=True, body=POST_BODY, body_html=html
        )
        refresh_topic(topic)
        reply = Post.objects.create(topic=d.topic, author=people[i], body=POST_BODY, body_html=html)
        Report.objects.create(post=reply, reporter=d.colleague, reason=f"Doublon {i}.")
        Attachment.objects.create(
            post=reply,
            file=ContentFile(_png(), name=f"capture-{batch}-{i}.png"),
            name=f"capture-{batch}-{i}.png",
            content_type="image/png",
            size=100,
        )
        PostRevision.objects.create(post=d.post, editor=d.post.author, body=f"Version {i}")
    refresh_topic(d.topic)
    refresh_category(d.category)
    notifications_create(
        recipients=[d.facilitator, d.coordinator],
        verb=Verb.FORUM_NEW_TOPIC,
        actor=people[0],
        target=d.topic,
    )


def _grow_calendars(d: Demo, people: list[User], n: int, batch: int, now) -> None:
    group_calendar = calendar_for_workspace(d.group)
    for i in range(n):
        start = (now + timedelta(days=1 + i % 20)).replace(
            hour=9, minute=0, second=0, microsecond=0
        )
        for actor, calendar in ((d.coordinator, d.calendar), (d.facilitator, group_calendar)):
            event_create(
                actor=actor,
                calendar=calendar,
                title=f"Réunion {batch}-{i}",
                start=start,
                end=start + timedelta(hours=2),
                repeat_every_weeks=1 if i % 2 else 0,
            )
        workshop = workshop_create(
            user=d.facilitator,
            place=d.place,
            title=f"Atelier {batch}-{i}",
            theme="smartphone",
            level="beginner",
            capacity=8,
            sessions=[SessionTimes(start + timedelta(hours=5), start + timedelta(hours=7))],
        )
        registration_create(
            workshop=workshop, name=f"Personne {i}", phone="0600000000", notify=False
        )
        registration_create(
            workshop=d.workshop,
            name=f"Participant {batch}-{i}",
            email=f"participant.{batch}.{i}@exemple.fr",
            notify=False,
        )
        past = d.survey_registration.workshop
        registration = Registration.objects.create(
            workshop=past,
            name=f"Ancien {batch}-{i}",
            email=f"ancien.{batch}.{i}@exemple.fr",
            status=RegistrationStatus.CONFIRMED,
            survey_sent_at=now,
        )
        for session in past.sessions.all():
            Attendance.objects.create(registration=registration, session=session, present=True)
        SurveyResponse.objects.create(
            registration=registration, overall=5, content=4, facilitation=5, comment="Merci !"
        )


def _grow_directory(d: Demo, people: list[User], n: int, batch: int) -> None:
    for i in range(n):
        place = Place(
            id_schema=f"walk-{batch}-{i}",
            nom=f"Espace numérique {batch}-{i}",
            adresse=f"{i} rue de la Mairie",
            code_postal="25200",
            commune="Montbéliard",
            code_insee="25388",
            latitude=47.5 + i / 1000,
            longitude=6.8 + i / 1000,
            pivot="00000000000000",
            date_maj=date(2026, 11, 1),
            services="Aide aux démarches administratives",
            horaires="Mo-Fr 09:00-12:00",
            is_published=True,
        )
        place_save(
            place=place,
            actor=d.facilitator,
            origin=PlaceRevision.Origin.IMPORT,
            facilitators=[d.facilitator, people[i]],
            check_permission=False,
        )
        d.place.telephone = f"+3338199{batch:02d}{i:02d}"
        place_save(place=d.place, actor=d.facilitator, check_permission=False)
        _photo(d.place, 100 * batch + i)


def _grow_files(d: Demo, n: int, batch: int) -> None:
    for i in range(n):
        folder_create(
            actor=d.facilitator, workspace=d.group, parent=d.folder, name=f"Dossier {batch}-{i}"
        )
        for where in (d.folder, d.subfolder, None):
            _upload(d, where, f"planning-{batch}-{i}.csv")
        _upload(d, d.folder, d.file.name)  # a new version of the walked file
        share_link_create(actor=d.facilitator, item=d.file)
    trashed = File.objects.filter(folder=d.subfolder).order_by("-pk")[:n]
    for file in trashed:
        file_trash(actor=d.facilitator, file=file)


def _grow_documents(d: Demo, n: int, batch: int) -> None:
    people = list(d.group.memberships.active().select_related("user"))[:n]
    for i in range(n):
        made = documents.document_create(
            actor=d.facilitator, workspace=d.group, title=f"Compte rendu {batch}-{i}"
        )
        person = people[i % len(people)].user
        documents.presence_enter(
            document_id=made.pk, user_id=person.pk, channel_name=f"walk.{batch}.{i}"
        )
        documents.updates_store(
            document_id=d.co_document.pk,
            items=[(person.pk, state_from_tree(html_tree(f"<p>Ajout {batch}-{i}</p>")))],
        )
        documents.version_name(actor=d.facilitator, document=d.co_document, name=f"V{batch}-{i}")
        trashed = documents.document_create(
            actor=d.facilitator, workspace=d.group, title=f"Brouillon {batch}-{i}"
        )
        documents.document_trash(actor=d.facilitator, document=trashed)


def _grow_public_site(n: int, batch: int) -> None:
    from tests.public_site import factories

    index = NewsIndexPage.objects.get()
    review = PressReviewPage.objects.get()
    image = factories.image()
    for i in range(n):
        factories.news(
            index,
            f"Actualité {batch}-{i}",
            slug=f"actualite-{batch}-{i}",
            intro="Des nouvelles de l’inclusion numérique dans le réseau.",
            tags=("ateliers", f"mot-{batch}-{i}"),
            main_image=image,
            main_image_alt="Une salle",
        )
        PressArticle.objects.create(
            page=review,
            title=f"Article {batch}-{i}",
            outlet="Le Progrès",
            date=date(2026, 11, 1),
            url="https://www.leprogres.fr/",
            sort_order=100 * batch + i,
        )


def _grow_network(d: Demo, people: list[User], batch: int) -> None:
    """Status posts, follows, comments and reactions: the feed and the profiles grow."""
    from core.activity.services import follow_set
    from extranet.network.models import StatusComment, StatusReaction
    from extranet.network.services import status_create

    for i, person in enumerate(people):
        status = status_create(author=person, text=f"Nouvelles {batch}-{i}")
        follow_set(follower=d.facilitator, target=person)
        StatusComment.objects.create(status=status, author=d.facilitator, text="Merci !")
        StatusReaction.objects.create(status=status, user=d.facilitator)
        if i == 0:
            status_create(author=d.colleague, text=f"Encore {batch}")
