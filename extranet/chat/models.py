"""Rooms, their messages, and each person's place in them.

Every change to a room's messages (a new one, an edit, a deletion, a reaction) takes the
room's next sequence number: a message keeps the number it was posted with (`seq`, its
place in the history) and carries the number of its last change (`rev`). A client that saw
up to N asks for the messages whose `rev` is above N and gets each change once, in order.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# Longest message, in characters.
MAX_MESSAGE_LENGTH = 4000
# Most people in a direct conversation (its author included).
MAX_DIRECT_MEMBERS = 12


class RoomKind(models.TextChoices):
    DIRECT = "direct", _("Direct messages")
    GROUP = "group", _("Working group")
    CHANNEL = "channel", _("Channel")


class Room(models.Model):
    kind = models.CharField(_("kind"), max_length=16, choices=RoomKind.choices)
    name = models.CharField(_("name"), max_length=80, blank=True)
    topic = models.CharField(_("topic"), max_length=200, blank=True)
    # A working group's room: its members talk there (one room per group).
    workspace = models.ForeignKey(
        "workspaces.Workspace",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="chat_rooms",
    )
    # A channel of a territory: for the people who live there; none: the whole network.
    territory = models.ForeignKey(
        "territories.Territory",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("territory"),
    )
    # A channel where only chosen people (its RoomMember rows) may post, e.g. « Annonces ».
    restricted_posting = models.BooleanField(_("only chosen people may post"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_seq = models.PositiveBigIntegerField(default=0, editable=False)
    # The last message posted: rooms are listed by activity.
    last_message_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("chat room")
        verbose_name_plural = _("chat rooms")
        constraints = [
            models.UniqueConstraint(
                fields=["workspace"],
                condition=models.Q(kind="group"),
                name="chat_one_room_per_group",
            )
        ]

    def __str__(self) -> str:
        if self.kind == RoomKind.GROUP and self.workspace_id:
            return self.name or str(self.workspace)
        return self.name or str(_("Conversation"))

    def get_absolute_url(self) -> str:
        return reverse("chat:room", kwargs={"pk": self.pk})

    get_extranet_url = get_absolute_url


class RoomMember(models.Model):
    """Someone in a direct conversation, or a chosen poster of a channel."""

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="chat_memberships"
    )
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["room", "user"], name="chat_member_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.room_id}"


class ReadMark(models.Model):
    """How far someone read a room, and whether they muted it."""

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="read_marks")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    last_read_seq = models.PositiveBigIntegerField(default=0)
    muted = models.BooleanField(_("muted"), default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["room", "user"], name="chat_readmark_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} read {self.room_id} to {self.last_read_seq}"


class Message(models.Model):
    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="messages")
    seq = models.PositiveBigIntegerField(editable=False)
    rev = models.PositiveBigIntegerField(editable=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # Chosen by the client for each message it sends: a retried send is stored once.
    client_id = models.CharField(max_length=64)
    body = models.TextField(_("message"), max_length=MAX_MESSAGE_LENGTH)
    body_html = models.TextField(editable=False)
    reply_to = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="replies"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("chat message")
        verbose_name_plural = _("chat messages")
        ordering = ["seq"]
        constraints = [
            models.UniqueConstraint(fields=["room", "seq"], name="chat_message_seq_unique"),
            models.UniqueConstraint(
                fields=["room", "author", "client_id"], name="chat_message_client_id_unique"
            ),
        ]
        indexes = [models.Index(fields=["room", "rev"])]

    def __str__(self) -> str:
        return f"{self.room} #{self.seq}"

    def get_absolute_url(self) -> str:
        return f"{self.room.get_absolute_url()}#m{self.seq}"

    get_extranet_url = get_absolute_url

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class Reaction(models.Model):
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="reactions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    emoji = models.CharField(max_length=16)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["message", "user", "emoji"], name="chat_reaction_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.emoji} on {self.message_id}"


class Attachment(models.Model):
    """A file of the room's workspace, shown with a message (the bytes stay in files)."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    file = models.ForeignKey("files.File", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=255)

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("chat:attachment", kwargs={"pk": self.pk})


class ModerationLog(models.Model):
    """A message a moderator deleted: who, when, and what it said."""

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="+")
    message = models.ForeignKey(Message, on_delete=models.SET_NULL, null=True, related_name="+")
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    action = models.CharField(max_length=32)
    body = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.action} {self.message_id}"
