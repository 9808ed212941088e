"""Calendars, events and workshops.

- Every workspace (personal desktop, group, network) has one calendar, and so has every place:
  its public calendar, where its workshops' sessions live.
- An `Event` may repeat every N weeks until a date; `EventException` cancels or moves one of
  its occurrences. Times are stored in UTC and repeat on the wall clock of Europe/Paris
  (`calendars.recurrence`), so a weekly 14:00 stays at 14:00 across daylight-saving changes.
- A `Workshop` is a public offer of a place: one session, or a cycle of several sessions taken
  together. Its sessions are events of the place's calendar (`Event.workshop`), so they show
  in the place's agenda and feed. People register for the whole workshop: a `Registration`
  holds a seat or waits in line; `Attendance` is marked per session; attendees answer a
  `SurveyResponse` after the last session.
"""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.workspaces.models import Workspace
from geodirectory.models import Place


def new_token() -> str:
    return secrets.token_urlsafe(24)


class Calendar(models.Model):
    """A workspace's calendar or a place's public one (exactly one of the two)."""

    workspace = models.OneToOneField(
        Workspace,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="calendar",
        verbose_name=_("workspace"),
    )
    place = models.OneToOneField(
        Place,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="calendar",
        verbose_name=_("place"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("calendar")
        verbose_name_plural = _("calendars")
        constraints = [
            models.CheckConstraint(
                condition=Q(workspace__isnull=False, place__isnull=True)
                | Q(workspace__isnull=True, place__isnull=False),
                name="calendar_workspace_xor_place",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("agenda:calendar", kwargs={"pk": self.pk})

    @property
    def name(self) -> str:
        return self.place.nom if self.place_id else self.workspace.name

    @property
    def is_public(self) -> bool:
        """A place's calendar is public (its workshops are offered to everyone)."""
        return self.place_id is not None


class FeedToken(models.Model):
    """The secret of one person's private iCal feed of one calendar; revoking it kills the URL."""

    calendar = models.ForeignKey(Calendar, on_delete=models.CASCADE, related_name="feed_tokens")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="feed_tokens"
    )
    token = models.CharField(max_length=64, unique=True, default=new_token)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["calendar", "user"],
                condition=Q(revoked_at__isnull=True),
                name="one_live_feed_token_per_calendar_and_user",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.calendar}"


class Event(models.Model):
    calendar = models.ForeignKey(
        Calendar, on_delete=models.CASCADE, related_name="events", verbose_name=_("calendar")
    )
    # Stable identity in iCal feeds (UID) and a revision counter (SEQUENCE), so calendar
    # clients update an event instead of duplicating it.
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0, editable=False)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=5000, blank=True)
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    location = models.CharField(_("place or address"), max_length=255, blank=True)
    online_url = models.URLField(_("online link"), blank=True)
    repeat_every_weeks = models.PositiveSmallIntegerField(
        _("repeat every … weeks"),
        default=0,
        validators=[MaxValueValidator(52)],
        help_text=_("0: does not repeat; 1: every week; 2: every other week…"),
    )
    repeat_until = models.DateField(_("repeat until"), null=True, blank=True)
    workshop = models.ForeignKey(
        "Workshop",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="sessions",
        verbose_name=_("workshop"),
    )
    is_cancelled = models.BooleanField(_("cancelled"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["start", "pk"]
        indexes = [models.Index(fields=["calendar", "start"], name="event_calendar_start")]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")), name="event_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(repeat_until__isnull=True) | Q(repeat_every_weeks__gt=0),
                name="event_until_only_when_repeating",
            ),
            models.CheckConstraint(
                condition=Q(workshop__isnull=True) | Q(repeat_every_weeks=0),
                name="event_sessions_do_not_repeat",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("agenda:event", kwargs={"pk": self.pk})

    @property
    def repeats(self) -> bool:
        return self.repeat_every_weeks > 0

    @property
    def duration(self):
        return self.end - self.start


class EventException(models.Model):
    """One occurrence of a repeating event, cancelled or moved."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="exceptions")
    # The start the occurrence would have had: its identity (iCal RECURRENCE-ID).
    original_start = models.DateTimeField()
    is_cancelled = models.BooleanField(default=False)
    start = models.DateTimeField(null=True, blank=True)
    end = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["event", "original_start"], name="one_exception_per_occurrence"
            ),
            models.CheckConstraint(
                condition=Q(is_cancelled=True, start__isnull=True, end__isnull=True)
                | Q(is_cancelled=False, start__isnull=False, end__gt=models.F("start")),
                name="exception_cancels_or_moves",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} @ {self.original_start:%Y-%m-%d %H:%M}"


class EventChange(models.Model):
    """One line of a calendar's log: who added, changed or deleted which event, and what.

    The event's title is kept, so a deleted event's line still says what it was; the
    changes are the fields' values before and after, as text.
    """

    class Action(models.TextChoices):
        CREATED = "created", _("added the event")
        UPDATED = "updated", _("changed the event")
        DELETED = "deleted", _("deleted the event")
        CANCELLED = "cancelled", _("cancelled the event")
        OCCURRENCE_CANCELLED = "occurrence_cancelled", _("cancelled one occurrence")
        OCCURRENCE_MOVED = "occurrence_moved", _("moved one occurrence")
        OCCURRENCE_RESTORED = "occurrence_restored", _("put one occurrence back at its time")

    calendar = models.ForeignKey(
        Calendar, on_delete=models.CASCADE, related_name="changes", verbose_name=_("calendar")
    )
    event = models.ForeignKey(
        Event,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="changes",
        verbose_name=_("event"),
    )
    event_title = models.CharField(_("event"), max_length=200)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    action = models.CharField(_("what"), max_length=32, choices=Action.choices)
    # The original start of the occurrence cancelled, moved or restored.
    occurrence = models.DateTimeField(_("occurrence"), null=True, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("event change")
        verbose_name_plural = _("event changes")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["calendar", "-created_at"], name="eventchange_calendar_time")
        ]

    def __str__(self) -> str:
        return f"{self.event_title} — {self.get_action_display()}"


# --- Workshops ----------------------------------------------------------------------------------


class Theme(models.TextChoices):
    FIRST_STEPS = "first_steps", _("First steps with a computer")
    INTERNET = "internet", _("Internet and e-mail")
    ONLINE_PROCEDURES = "online_procedures", _("Online procedures")
    SMARTPHONE = "smartphone", _("Smartphone and tablet")
    OFFICE = "office", _("Office software")
    PHOTO_VIDEO = "photo_video", _("Photo, video and sound")
    SECURITY = "security", _("Security and privacy")
    SOCIAL = "social", _("Social networks")
    EMPLOYMENT = "employment", _("Job search")
    MAKING = "making", _("Fablab, coding and repair")
    OTHER = "other", _("Other")


class Level(models.TextChoices):
    BEGINNER = "beginner", _("Beginner")
    INTERMEDIATE = "intermediate", _("Intermediate")
    ADVANCED = "advanced", _("Advanced")


class FeeKind(models.TextChoices):
    FREE = "free", _("Free")
    PAID = "paid", _("Paid")
    CONDITIONS = "conditions", _("Under conditions")


class WorkshopQuerySet(models.QuerySet):
    def published(self) -> WorkshopQuerySet:
        return self.filter(is_published=True, is_cancelled=False, place__is_published=True)

    def upcoming(self, now) -> WorkshopQuerySet:
        """Workshops whose first session is still to come (one registers before it starts)."""
        return self.filter(starts_at__gt=now)


class Workshop(models.Model):
    place = models.ForeignKey(
        Place, on_delete=models.CASCADE, related_name="workshops", verbose_name=_("place")
    )
    slug = models.SlugField(_("address on the site"), max_length=220, unique=True)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=5000, blank=True)
    theme = models.CharField(_("theme"), max_length=32, choices=Theme.choices)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    capacity = models.PositiveSmallIntegerField(
        _("seats"), validators=[MinValueValidator(1), MaxValueValidator(500)]
    )
    fee_kind = models.CharField(
        _("fee"), max_length=16, choices=FeeKind.choices, default=FeeKind.FREE
    )
    fee_amount = models.DecimalField(
        _("price (€)"),
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    fee_conditions = models.CharField(
        _("conditions"),
        max_length=300,
        blank=True,
        help_text=_("E.g. free for job seekers, €8 otherwise; membership €30 a year."),
    )
    is_published = models.BooleanField(_("published"), default=True)
    is_cancelled = models.BooleanField(_("cancelled"), default=False)
    # First session's start and last session's end, kept by the services: lists filter and
    # sort on them without an aggregate per row.
    starts_at = models.DateTimeField(null=True, blank=True, editable=False)
    ends_at = models.DateTimeField(null=True, blank=True, editable=False)
    surveys_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = WorkshopQuerySet.as_manager()

    class Meta:
        verbose_name = _("workshop")
        verbose_name_plural = _("workshops")
        ordering = ["starts_at", "pk"]
        indexes = [
            models.Index(fields=["is_published", "starts_at"], name="workshop_published_start"),
            models.Index(fields=["place", "starts_at"], name="workshop_place_start"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(capacity__gte=1), name="workshop_has_seats"),
            models.CheckConstraint(
                condition=~Q(fee_kind="paid") | Q(fee_amount__isnull=False),
                name="paid_workshop_has_price",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("workshops:detail", kwargs={"slug": self.slug})

    def get_extranet_url(self) -> str:
        """Its management page, where notifications about it lead the place's team."""
        return reverse("workshops_manage:workshop", kwargs={"pk": self.pk})

    @property
    def is_cycle(self) -> bool:
        return self.session_count > 1

    @property
    def seats_left(self) -> int:
        """Seats nobody holds; uses the `confirmed_count` annotation when a list has it."""
        taken = getattr(self, "confirmed_count", None)
        if taken is None:
            taken = self.registrations.filter(status=RegistrationStatus.CONFIRMED).count()
        return max(self.capacity - taken, 0)

    @property
    def waiting(self) -> int:
        waiting = getattr(self, "waiting_count", None)
        if waiting is None:
            waiting = self.registrations.filter(status=RegistrationStatus.WAITING).count()
        return waiting

    @property
    def session_count(self) -> int:
        cached = getattr(self, "_session_count", None)
        if cached is None:
            cached = self.sessions.filter(is_cancelled=False).count()
        return cached


class RegistrationStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    WAITING = "waiting", _("Waiting list")
    CANCELLED = "cancelled", _("Cancelled")


ACTIVE_STATUSES = (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING)


class Registration(models.Model):
    """A seat (or a place in line) for the whole workshop, with or without an account.

    The token is the participant's key to their registration: the link in the confirmation
    e-mail (or read over the phone) to see, cancel and later answer the survey.
    """

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="registrations")
    name = models.CharField(_("name"), max_length=150)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=RegistrationStatus.choices, db_index=True
    )
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registered by"),
    )
    note = models.CharField(_("note for the facilitators"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    survey_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["workshop", "status", "created_at"], name="registration_line"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(email="", phone=""), name="registration_has_contact"
            ),
            models.UniqueConstraint(
                fields=["workshop", "email"],
                condition=Q(status__in=ACTIVE_STATUSES) & ~Q(email=""),
                name="one_active_registration_per_email",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} — {self.workshop}"

    def get_absolute_url(self) -> str:
        return reverse("workshops:registration", kwargs={"token": self.token})

    def get_extranet_url(self) -> str:
        """The workshop's management page, where the place's team sees registrations."""
        url = reverse("workshops_manage:workshop", kwargs={"pk": self.workshop_id})
        return f"{url}#inscrits"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES


class Attendance(models.Model):
    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="attendances"
    )
    session = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="attendances")
    present = models.BooleanField(_("present"))
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    marked_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "session"], name="one_attendance_per_session"
            )
        ]

    def __str__(self) -> str:
        return f"{self.registration.name} @ {self.session}: {self.present}"


class Reminder(models.Model):
    """A reminder e-mailed for one session to one registrant: stored so it goes only once."""

    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="reminders"
    )
    session = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="+")
    session_start = models.DateTimeField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "session", "session_start"], name="one_reminder_per_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.registration.name} @ {self.session_start:%Y-%m-%d %H:%M}"


RATING = [MinValueValidator(1), MaxValueValidator(5)]


class SurveyResponse(models.Model):
    """An attendee's satisfaction survey, answered once after the last session."""

    registration = models.OneToOneField(
        Registration, on_delete=models.CASCADE, related_name="survey"
    )
    overall = models.PositiveSmallIntegerField(_("overall satisfaction"), validators=RATING)
    content = models.PositiveSmallIntegerField(_("what you learnt"), validators=RATING)
    facilitation = models.PositiveSmallIntegerField(_("the facilitation"), validators=RATING)
    comment = models.TextField(_("comment"), max_length=2000, blank=True)
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(overall__gte=1, overall__lte=5)
                & Q(content__gte=1, content__lte=5)
                & Q(facilitation__gte=1, facilitation__lte=5),
                name="survey_ratings_1_to_5",
            )
        ]

    def __str__(self) -> str:
        return f"{self.registration.name}: {self.overall}/5"
