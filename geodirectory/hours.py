"""Opening hours of places, written in OpenStreetMap ``opening_hours`` syntax.

A place stores its hours as one OSM expression, for example
``Mo-Fr 09:00-12:00,14:00-18:00; Sa 09:00-12:00; PH off``
(https://wiki.openstreetmap.org/wiki/Key:opening_hours/specification). This module parses and
evaluates them with the ``opening-hours-py`` library and turns them into what the directory shows:
an open/closed status with a sentence, a weekly table and a plain-language summary.

Everything here is a pure function of its arguments (no database, no clock except where a
default is documented). Conventions:

* Places are in France. Times are wall-clock times of the place's time zone: ``Europe/Paris`` by
  default, or the zone of an overseas département (``America/Cayenne``, ``Indian/Reunion``...)
  passed as ``timezone``. Public holidays (``PH``) are the French national ones
  (``country="FR"`` in the library: the metropolitan list; the overseas and Alsace-Moselle extra
  days are not known to it).
* Datetimes given to this module may be in any time zone (``django.utils.timezone.now()`` is
  UTC); a naive datetime is read as the place's local time. Datetimes returned are aware, in the
  place's time zone. Daylight-saving changes follow the wall clock: ``Su 01:00-04:00`` lasts two
  real hours on the night of the spring change and four on the night of the autumn change.
* A range that ends after midnight (``Fr-Sa 20:00-02:00``) belongs to the day it starts on: the
  place is open on Saturday at 01:00.
* Comments: following the OSM specification, a comment does not change the state. With
  ``Mo-Fr 09:00-17:00 "sur rendez-vous"`` the place is *open* Monday to Friday 9:00-17:00 and the
  comment is shown next to the status and the hours. To say that the hours are only indicative,
  write ``Mo-Fr 09:00-17:00 unknown "sur rendez-vous"``: the state is then *unknown*.
* States are ``"open"``, ``"closed"`` and ``"unknown"``; as a boolean, ``True``/``False``/``None``.
* A change of state further than about a year away (366 days) counts as no change at all: this
  bounds the cost of expressions such as ``2020 Mo 10:00-12:00`` that will never open again.

The user-facing sentences are English source strings translated with Django's gettext, all with
the context "opening hours" (French catalogue in ``geodirectory/locale``), so they follow the
active language.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from django.utils import formats
from django.utils.dates import MONTHS, WEEKDAYS
from django.utils.text import capfirst
from django.utils.translation import pgettext
from opening_hours import OpeningHours, ParserError, State

__all__ = [
    "DEFAULT_TIMEZONE",
    "DayHours",
    "Hours",
    "HoursError",
    "Status",
    "TimeRange",
    "describe",
    "is_open",
    "is_open_many",
    "is_public_holiday",
    "next_change",
    "parse",
    "status",
    "validate",
    "weekly_table",
]

DEFAULT_TIMEZONE = "Europe/Paris"
COUNTRY = "FR"
#: Changes of state further away than this are treated as "never" (see the module docstring).
MAX_INTERVAL_DAYS = 366
#: ``Status.sentence()`` says "closed for now" when the next opening is further away than this.
DEFAULT_HORIZON = timedelta(days=14)
#: An open range that goes past midnight and ends before this time on the next day is shown as
#: one overnight range of the day it starts on ("20:00–02:00"), not split at midnight.
OVERNIGHT_END_LIMIT = time(12, 0)

StateName = Literal["open", "closed", "unknown"]
_Date = date  # for annotations inside DayHours, where ``date`` is a property

_MIDNIGHT = time(0)
_ONE_DAY = timedelta(days=1)
_MAX_STEPS = 64  # intervals walked at most to find the next change of state
_STATES: dict[State, StateName] = {
    State.OPEN: "open",
    State.CLOSED: "closed",
    State.UNKNOWN: "unknown",
}
_EXAMPLE = "Mo-Fr 09:00-12:00,14:00-18:00; Sa 09:00-12:00; PH off"


# --- Parsing ------------------------------------------------------------------------------------


class HoursError(ValueError):
    """An expression that is not valid ``opening_hours`` syntax.

    ``str(error)`` is a sentence for the person who typed it, in the language active when the
    error was raised. ``column`` is the 1-based position of the first character the parser
    could not read (``None`` if unknown).
    """

    def __init__(self, expression: str, column: int | None = None) -> None:
        self.expression = expression
        self.column = column
        super().__init__(_error_message(expression, column))


@dataclass(frozen=True, eq=False)
class Hours:
    """A parsed, valid expression bound to a time zone. Get one from :func:`parse`."""

    expression: str
    timezone: str
    oh: OpeningHours

    @property
    def zone(self) -> ZoneInfo:
        return _zone(self.timezone)

    @property
    def warnings(self) -> list[str]:
        """Non-fatal remarks of the parser (e.g. ``wday literal should be capitalized``)."""
        return list(self.oh.warnings)

    def normalized(self) -> str:
        """The same hours in the library's canonical form (``Mo-Su 00:00-24:00`` → ``24/7``)."""
        return str(self.oh.normalize())

    def __str__(self) -> str:
        return self.expression


@dataclass(frozen=True)
class _Invalid:
    column: int | None


_POSITION = re.compile(r"-->\s*\d+:(\d+)")


@functools.cache
def _zone(timezone: str) -> ZoneInfo:
    return ZoneInfo(timezone)  # raises zoneinfo.ZoneInfoNotFoundError for an unknown zone


@functools.lru_cache(maxsize=32768)
def _compile(expression: str, timezone: str) -> Hours | _Invalid:
    """Parse once per (expression, time zone); invalid expressions are cached too."""
    try:
        oh = OpeningHours(
            expression,
            timezone=_zone(timezone),
            country=COUNTRY,
            max_interval_days=MAX_INTERVAL_DAYS,
        )
    except ParserError as error:
        match = _POSITION.search(str(error))
        return _Invalid(int(match.group(1)) if match else None)
    return Hours(expression, timezone, oh)


def parse(expression: str | None, *, timezone: str = DEFAULT_TIMEZONE) -> Hours | None:
    """Parse an expression; ``None`` if it is empty or blank.

    Surrounding whitespace is ignored. Results are cached per (expression, time zone), so calling
    this for every place of a page is cheap. Raises :class:`HoursError` for invalid syntax.
    """
    if expression is None:
        return None
    expression = expression.strip()
    if not expression:
        return None
    compiled = _compile(expression, timezone)
    if isinstance(compiled, _Invalid):
        raise HoursError(expression, compiled.column)
    return compiled


def validate(expression: str | None) -> str | None:
    """The translated error message for an invalid expression, or ``None`` if it is valid.

    Empty and blank expressions are valid (they mean "hours not given"). For form and import
    validation: ``if message := validate(value): raise ValidationError(message)``.
    """
    try:
        parse(expression)
    except HoursError as error:
        return str(error)
    return None


_FRENCH_DAYS = re.compile(
    r"\b(lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|lun|mer|jeu|ven|sam|dim"
    r"|lu|ma|me|je|ve|di)\b",
    re.IGNORECASE,
)
_FRENCH_TIMES = re.compile(r"\d\s*h(\s*\d|\b)", re.IGNORECASE)
_FRENCH_HOLIDAYS = re.compile(r"f[ée]ri[ée]", re.IGNORECASE)
_COMMENT = re.compile(r'"[^"]*"')


def _error_message(expression: str, column: int | None) -> str:
    if column is None:
        message = pgettext(
            "opening hours", "“%(expression)s” is not in the opening hours format."
        ) % {"expression": expression}
    else:
        message = pgettext(
            "opening hours",
            "“%(expression)s” is not in the opening hours format "
            "(problem at character %(position)s).",
        ) % {"expression": expression, "position": column}
    hints = []
    code = _COMMENT.sub("", expression)  # hints look at the syntax, not at the comments
    if _FRENCH_DAYS.search(code):
        hints.append(
            pgettext(
                "opening hours",
                "Write days in English with two letters: Mo, Tu, We, Th, Fr, Sa, Su.",
            )
        )
    if _FRENCH_HOLIDAYS.search(code):
        hints.append(pgettext("opening hours", "Write public holidays as PH, for example PH off."))
    if _FRENCH_TIMES.search(code):
        hints.append(
            pgettext("opening hours", "Write times as hours and minutes with a colon: 09:00-12:00.")
        )
    if "–" in code or "—" in code:
        hints.append(
            pgettext("opening hours", "Use a plain hyphen (-) between days and between times.")
        )
    if code.rstrip().endswith(";"):
        hints.append(pgettext("opening hours", "Remove the semicolon at the end."))
    hints.append(pgettext("opening hours", "Example: %(example)s") % {"example": _EXAMPLE})
    return " ".join([message, *hints])


def _hours(expression_or_hours: str | Hours | None, timezone: str) -> Hours | None:
    if isinstance(expression_or_hours, Hours):
        return expression_or_hours
    return parse(expression_or_hours, timezone=timezone)


def _localize(at: datetime, zone: ZoneInfo) -> datetime:
    """``at`` as a valid wall-clock time of ``zone`` (the library wants a ``ZoneInfo``).

    Going through UTC turns a time that does not exist (in the spring gap) into the real one and
    keeps the ``fold`` of a repeated autumn time.
    """
    if at.tzinfo is None or at.utcoffset() is None:
        at = at.replace(tzinfo=zone)
    return at.astimezone(UTC).astimezone(zone)


# --- State at an instant ------------------------------------------------------------------------


def _bool(state: State) -> bool | None:
    if state == State.UNKNOWN:
        return None
    return state == State.OPEN


def is_open(
    expression_or_hours: str | Hours | None,
    at: datetime,
    *,
    timezone: str = DEFAULT_TIMEZONE,
) -> bool | None:
    """``True`` if open at ``at``, ``False`` if closed, ``None`` if unknown or no hours given.

    Raises :class:`HoursError` for an invalid expression (see :func:`is_open_many` for a
    tolerant bulk version). ``timezone`` is ignored when an :class:`Hours` is given.
    """
    hours = _hours(expression_or_hours, timezone)
    if hours is None:
        return None
    return _bool(hours.oh.state(_localize(at, hours.zone))[0])


def is_open_many(
    expressions: Iterable[str | None],
    at: datetime,
    *,
    timezone: str = DEFAULT_TIMEZONE,
) -> list[bool | None]:
    """:func:`is_open` for many expressions at one instant, in the same order.

    Empty, blank *and invalid* expressions give ``None`` (a directory page must not fail on one
    bad record; use :func:`validate` to find them). Each distinct expression is parsed once (and
    cached across calls) and evaluated once per call.

    Measured on the 2-core development machine (Python 3.11, opening-hours-py 2.1.4), one call
    at a fixed instant: 20,000 expressions made of the 617 real ones of the national map repeated
    (513 distinct) take 2.7 ms with a warm parse cache and 17 ms cold; 20,000 all-distinct
    expressions take 85 ms warm and 0.58 s cold (parsing costs about 25 µs an expression,
    evaluating about 4 µs). Command (best of 5 for "warm")::

        .venv/bin/python -m geodirectory.hours
    """
    zone = _zone(timezone)
    moment = _localize(at, zone)
    seen: dict[str | None, bool | None] = {}
    results: list[bool | None] = []
    append = results.append
    for expression in expressions:
        try:
            append(seen[expression])
            continue
        except KeyError:
            pass
        value: bool | None = None
        text = expression.strip() if expression else ""
        if text:
            compiled = _compile(text, timezone)
            if isinstance(compiled, Hours):
                value = _bool(compiled.oh.state(moment)[0])
        seen[expression] = value
        append(value)
    return results


def _change(hours: Hours, moment: datetime) -> tuple[State, str, datetime | None, State | None]:
    """(state now, comment now, when the state changes, state after it). Comment-only changes,
    and the library's arbitrary splits of a long interval, are skipped."""
    intervals = hours.oh.intervals(moment)
    _start, end, state, comment = next(intervals)
    for _step in range(_MAX_STEPS):
        if end is None:
            return state, comment, None, None
        following = next(intervals, None)
        if following is None:
            return state, comment, None, None
        if following[2] != state:
            return state, comment, end, following[2]
        end = following[1]
    return state, comment, None, None


def next_change(
    expression_or_hours: str | Hours | None,
    at: datetime,
    *,
    timezone: str = DEFAULT_TIMEZONE,
) -> datetime | None:
    """When the state (open/closed/unknown) next changes after ``at``, in the place's zone.

    ``None`` if it never changes (``24/7``, ``off``), not within about a year, or no hours are
    given. Raises :class:`HoursError` for an invalid expression.
    """
    hours = _hours(expression_or_hours, timezone)
    if hours is None:
        return None
    return _change(hours, _localize(at, hours.zone))[2]


@dataclass(frozen=True)
class Status:
    """The state of a place at an instant, and when it changes.

    ``until`` is when ``state`` ends (``None``: never, or not within about a year) and
    ``next_state`` the state after it. ``comment`` is the OSM comment of the current rule
    (e.g. "sur rendez-vous"). ``at`` is the instant of evaluation in the place's time zone.
    """

    state: StateName
    until: datetime | None = None
    next_state: StateName | None = None
    comment: str = ""
    at: datetime | None = None
    horizon: timedelta = DEFAULT_HORIZON

    @property
    def is_open(self) -> bool | None:
        return None if self.state == "unknown" else self.state == "open"

    def sentence(self) -> str:
        """A short sentence in the active language: "Ouvert, ferme à 18:00",
        "Fermé, ouvre mardi à 09:00", "Ouvert 24 h/24", "Fermé pour le moment",
        "Horaires inconnus"... followed by the comment in brackets if there is one."""
        sentence = self._sentence()
        if self.comment:
            sentence = pgettext("opening hours", "%(sentence)s (%(comment)s)") % {
                "sentence": sentence,
                "comment": self.comment,
            }
        return sentence

    def _sentence(self) -> str:
        if self.state == "unknown":
            return pgettext("opening hours", "Hours unknown")
        if self.state == "open":
            if self.until is None:
                return pgettext("opening hours", "Open 24/7")
            when = _when(self.at or self.until, self.until, say_today=False)
            if self.next_state == "unknown":
                return pgettext("opening hours", "Open, then hours unknown %(when)s") % {
                    "when": when
                }
            return pgettext("opening hours", "Open, closes %(when)s") % {"when": when}
        if self.until is None or self.at is None or self.until - self.at > self.horizon:
            return pgettext("opening hours", "Closed for now")
        when = _when(self.at, self.until, say_today=True)
        if self.next_state == "unknown":
            return pgettext("opening hours", "Closed, then hours unknown %(when)s") % {"when": when}
        return pgettext("opening hours", "Closed, opens %(when)s") % {"when": when}

    def __str__(self) -> str:
        return self.sentence()


def _clock(value: time) -> str:
    return f"{value:%H:%M}"


def _when(at: datetime, moment: datetime, *, say_today: bool) -> str:
    """``moment`` relative to ``at`` (both in the place's zone): "à 18:00", "aujourd'hui à
    14:00", "demain à 09:00", "mardi à 09:00", "le 16 août à 09:00"."""
    days = (moment.date() - at.date()).days
    clock = _clock(moment.time())
    if days <= 0:
        if say_today:
            return pgettext("opening hours", "today at %(time)s") % {"time": clock}
        return pgettext("opening hours", "at %(time)s") % {"time": clock}
    if days == 1:
        if not say_today and moment.time() == _MIDNIGHT:
            return pgettext("opening hours", "at midnight")
        return pgettext("opening hours", "tomorrow at %(time)s") % {"time": clock}
    if days < 7:
        return pgettext("opening hours", "%(weekday)s at %(time)s") % {
            "weekday": formats.date_format(moment.date(), "l"),
            "time": clock,
        }
    return pgettext("opening hours", "on %(date)s at %(time)s") % {
        "date": formats.date_format(moment.date(), "j F"),
        "time": clock,
    }


def status(
    expression_or_hours: str | Hours | None,
    at: datetime,
    *,
    timezone: str = DEFAULT_TIMEZONE,
    horizon: timedelta = DEFAULT_HORIZON,
) -> Status:
    """The :class:`Status` at ``at``: state, when it changes, and ``Status.sentence()``.

    Empty hours give an "unknown" status. Raises :class:`HoursError` for an invalid expression.
    ``horizon``: beyond it, a closed place's sentence is "closed for now".
    """
    hours = _hours(expression_or_hours, timezone)
    if hours is None:
        return Status("unknown", horizon=horizon)
    moment = _localize(at, hours.zone)
    state, comment, until, after = _change(hours, moment)
    return Status(
        state=_STATES[state],
        until=until,
        next_state=_STATES[after] if after is not None else None,
        comment=comment,
        at=moment,
        horizon=horizon,
    )


# --- Day by day ---------------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class TimeRange:
    """A time range of one day. ``closes`` is ``00:00`` for midnight at the end of the day;
    a ``closes`` earlier than ``opens`` is on the next day (an overnight range)."""

    opens: time
    closes: time

    @property
    def ends_next_day(self) -> bool:
        return self.closes != _MIDNIGHT and self.closes <= self.opens

    @property
    def whole_day(self) -> bool:
        return self.opens == _MIDNIGHT and self.closes == _MIDNIGHT

    def __str__(self) -> str:
        closes = "24:00" if self.closes == _MIDNIGHT else _clock(self.closes)
        return f"{_clock(self.opens)}–{closes}"


@dataclass(frozen=True)
class _Day:
    """What one day holds, independently of language: the key compared between days."""

    opened: tuple[TimeRange, ...] = ()
    unknown: tuple[TimeRange, ...] = ()
    comments: tuple[str, ...] = ()

    @property
    def closed(self) -> bool:
        return not self.opened and not self.unknown


_CLOSED_DAY = _Day()


@dataclass(frozen=True)
class DayHours:
    """One row of the weekly table.

    ``ranges``: the opening time ranges of the day, in order (an overnight range is on the day
    it starts). ``unknown``: ranges whose state is unknown. ``comments``: OSM comments of the
    day. ``public_holiday``: the day is a French public holiday. ``holiday_closure``: it is a
    public holiday and the place is closed although it is open on this weekday otherwise.
    ``is_today``: the day is the ``today`` given to :func:`weekly_table`.

    For templates: ``{{ day.weekday_name }}`` and ``{{ day.text }}`` (or ``{{ day }}`` for both);
    ``day.date`` is an alias of ``day.day``.
    """

    day: date
    ranges: tuple[TimeRange, ...]
    unknown: tuple[TimeRange, ...] = ()
    comments: tuple[str, ...] = ()
    public_holiday: bool = False
    holiday_closure: bool = False
    is_today: bool = False

    @property
    def date(self) -> _Date:
        return self.day

    @property
    def closed(self) -> bool:
        return not self.ranges and not self.unknown

    @property
    def text(self) -> str:
        """:meth:`hours_text`, as an attribute for templates."""
        return self.hours_text()

    @property
    def weekday_name(self) -> str:
        """The day's name in the active language, capitalised: "Lundi"."""
        return capfirst(formats.date_format(self.day, "l"))

    def hours_text(self) -> str:
        """The hours in the active language: "09:00–12:00, 14:00–18:00", "fermé",
        "fermé (jour férié)", "horaires inconnus"."""
        if self.closed:
            return (
                pgettext("opening hours", "closed (public holiday)")
                if self.holiday_closure
                else pgettext("opening hours", "closed")
            )
        if not self.ranges and any(r.whole_day for r in self.unknown):
            parts = [pgettext("opening hours", "hours unknown")]
        else:
            parts = [str(r) for r in self.ranges]
            parts += [
                pgettext("opening hours", "%(range)s (uncertain)") % {"range": str(r)}
                for r in self.unknown
            ]
        text = ", ".join(parts)
        if self.comments:
            text = pgettext("opening hours", "%(sentence)s (%(comment)s)") % {
                "sentence": text,
                "comment": ", ".join(self.comments),
            }
        return text

    def __str__(self) -> str:
        return pgettext("opening hours", "%(day)s: %(hours)s") % {
            "day": self.weekday_name,
            "hours": self.hours_text(),
        }


def _merged(hours: Hours, start: datetime, end: datetime) -> Iterator[tuple]:
    """Intervals of [start, end) with consecutive intervals of the same state merged."""
    current: list | None = None
    for begin, finish, state, comment in hours.oh.intervals(start, end):
        finish = finish or end
        if current is not None and current[2] == state:
            current[1] = finish
            if comment and comment not in current[3]:
                current[3].append(comment)
            continue
        if current is not None:
            yield tuple(current)
        current = [begin, finish, state, [comment] if comment else []]
    if current is not None:
        yield tuple(current)


def _days(hours: Hours, first: date, count: int) -> dict[date, _Day]:
    """What each day of [first, first + count) holds. One pass over the library's intervals."""
    zone = hours.zone
    start = datetime.combine(first - _ONE_DAY, _MIDNIGHT, zone)
    end = datetime.combine(first + timedelta(days=count + 1), _MIDNIGHT, zone)
    found: dict[date, tuple[list, list, list]] = {}

    def add(day: date, state: State, opens: time, closes: time, comments: list) -> None:
        opened, unknown, notes = found.setdefault(day, ([], [], []))
        (opened if state == State.OPEN else unknown).append(TimeRange(opens, closes))
        notes.extend(c for c in comments if c not in notes)

    for begin, finish, state, comments in _merged(hours, start, end):
        if state == State.CLOSED:
            continue
        cursor = begin
        while cursor < finish:
            midnight = datetime.combine(cursor.date() + _ONE_DAY, _MIDNIGHT, zone)
            if finish <= midnight:
                add(cursor.date(), state, cursor.time(), finish.time(), comments)
                break
            overnight = (
                cursor.time() != _MIDNIGHT
                and finish < midnight + _ONE_DAY
                and finish.time() <= OVERNIGHT_END_LIMIT
                and finish < end
            )
            if overnight:
                add(cursor.date(), state, cursor.time(), finish.time(), comments)
                break
            add(cursor.date(), state, cursor.time(), _MIDNIGHT, comments)
            cursor = midnight
    days = {}
    for offset in range(count):
        day = first + timedelta(days=offset)
        opened, unknown, notes = found.get(day, ([], [], []))
        days[day] = _Day(tuple(sorted(opened)), tuple(sorted(unknown)), tuple(notes))
    return days


@functools.lru_cache(maxsize=256)
def _holidays(timezone: str, year: int) -> frozenset[date]:
    """The French public holidays of a year, from the library's own calendar (``PH``)."""
    zone = _zone(timezone)
    calendar = OpeningHours("PH", timezone=zone, country=COUNTRY)
    start = datetime.combine(date(year, 1, 1), _MIDNIGHT, zone)
    end = datetime.combine(date(year + 1, 1, 1), _MIDNIGHT, zone)
    return frozenset(
        begin.date() + timedelta(days=offset)
        for begin, finish, state, _comment in calendar.intervals(start, end)
        if state == State.OPEN
        for offset in range(((finish or end).date() - begin.date()).days or 1)
    )


def is_public_holiday(day: date, *, timezone: str = DEFAULT_TIMEZONE) -> bool:
    """Whether ``day`` is a French public holiday (the library's calendar for ``FR``)."""
    return day in _holidays(timezone, day.year)


def _reference_days(day: date, timezone: str) -> list[date]:
    """The same weekday a week before and a week after, or two weeks away when that one is a
    public holiday too: the regular hours a public holiday is compared with."""
    found = []
    for sign in (-1, 1):
        for weeks in (1, 2):
            other = day + timedelta(days=7 * weeks * sign)
            if not is_public_holiday(other, timezone=timezone):
                found.append(other)
                break
    return found


def weekly_table(
    expression_or_hours: str | Hours | None,
    *,
    week_of: date,
    today: date | None = None,
    timezone: str = DEFAULT_TIMEZONE,
) -> list[DayHours]:
    """The seven days (Monday first) of the week containing ``week_of``.

    The day equal to ``today`` (default: ``week_of``) has ``is_today`` set, for highlighting.
    Empty hours give an empty list. Raises :class:`HoursError` for an invalid expression.
    In a template::

        <table><caption>…</caption>{% for day in week %}
          <tr><th scope="row">{{ day.weekday_name }}</th><td>{{ day.hours_text }}</td></tr>
        {% endfor %}</table>
    """
    hours = _hours(expression_or_hours, timezone)
    if hours is None:
        return []
    monday = week_of - timedelta(days=week_of.weekday())
    # Two extra weeks on each side: the regular hours a public holiday is compared with.
    days = _days(hours, monday - timedelta(days=14), 35)
    table = []
    for offset in range(7):
        day = monday + timedelta(days=offset)
        held = days[day]
        holiday = is_public_holiday(day, timezone=hours.timezone)
        closure = (
            holiday
            and held.closed
            and any(not days[other].closed for other in _reference_days(day, hours.timezone))
        )
        table.append(
            DayHours(
                day=day,
                ranges=held.opened,
                unknown=held.unknown,
                comments=held.comments,
                public_holiday=holiday,
                holiday_closure=closure,
                is_today=day == (week_of if today is None else today),
            )
        )
    return table


# --- Plain-language summary ---------------------------------------------------------------------

_Week = tuple[_Day, ...]  # seven days, Monday first
HolidayBehaviour = Literal["closed", "special"] | None


@dataclass(frozen=True)
class _Summary:
    """The language-independent analysis behind :func:`describe`."""

    typical: _Week
    # Months (1-12) whose usual week differs from the typical one: (first, last, week), with
    # first > last for a period that goes over the new year.
    periods: tuple[tuple[int, int, _Week], ...]
    holidays: HolidayBehaviour


def _holiday_behaviour(hours: Hours, year: int, weekdays: set[int]) -> HolidayBehaviour:
    """Compare public holidays with the same weekday a week before and after: closed on every
    holiday where it is open on both of those → "closed"; on some holiday, hours unlike both of
    those → "special". Looks at ``year`` and the following ones until a holiday has fallen on
    each of ``weekdays`` (the days the place opens), seven years at most."""
    compared = closed = 0
    special = False
    covered: set[int] = set()
    cache: dict[date, _Day] = {}

    def day_of(day: date) -> _Day:
        if day not in cache:
            cache.update(_days(hours, day, 1))
        return cache[day]

    for current in range(year, year + 7):
        for holiday in sorted(_holidays(hours.timezone, current)):
            held = day_of(holiday)
            usual = [day_of(other) for other in _reference_days(holiday, hours.timezone)]
            if held not in usual:
                special = True
            if usual and all(not other.closed for other in usual):
                compared += 1
                closed += held.closed
                covered.add(holiday.weekday())
        if covered >= weekdays:
            break
    if compared and closed == compared:
        return "closed"
    return "special" if special else None


def _mode(days: Sequence[_Day]) -> _Day:
    counts = Counter(days)
    best = max(counts.values())
    return next(d for d in days if counts[d] == best)  # ties: the first one in the month


@functools.lru_cache(maxsize=4096)
def _summary(expression: str, timezone: str, year: int) -> _Summary:
    hours = _compile(expression, timezone)
    if isinstance(hours, _Invalid):  # callers parse first; kept for safety
        raise HoursError(expression, hours.column)
    first = date(year, 1, 1)
    count = (date(year + 1, 1, 1) - first).days
    days = _days(hours, first, count)
    by_month: list[list[list[_Day]]] = [[[] for _ in range(7)] for _ in range(12)]
    for day, held in days.items():
        if not is_public_holiday(day, timezone=timezone):
            by_month[day.month - 1][day.weekday()].append(held)
    months: list[_Week] = [
        tuple(_mode(held) if held else _CLOSED_DAY for held in weekdays) for weekdays in by_month
    ]

    counts = Counter(months)

    def rank(week: _Week) -> tuple[int, bool, int]:
        return (counts[week], any(not d.closed for d in week), -months.index(week))

    typical = max(counts, key=rank)
    spans: list[list] = []  # [first month, last month, week]
    for month, week in enumerate(months, start=1):
        if week == typical:
            continue
        if spans and spans[-1][1] == month - 1 and spans[-1][2] == week:
            spans[-1][1] = month
        else:
            spans.append([month, month, week])
    if len(spans) > 1 and spans[0][0] == 1 and spans[-1][1] == 12 and spans[0][2] == spans[-1][2]:
        spans[-1][1] = spans[0][1]  # e.g. Nov-Feb: one period over the new year
        spans.pop(0)
    return _Summary(
        typical=typical,
        periods=tuple((a, b, week) for a, b, week in spans),
        holidays=_holiday_behaviour(
            hours, year, {i for week in months for i, d in enumerate(week) if not d.closed}
        ),
    )


def _join(items: Sequence[str]) -> str:
    """ "a", "a and b", "a, b and c" in the active language."""
    if len(items) == 1:
        return items[0]
    return pgettext("opening hours", "%(items)s and %(last)s") % {
        "items": ", ".join(items[:-1]),
        "last": items[-1],
    }


def _spoken(value: time) -> str:
    """A time as said: "9 h", "14 h 30", "minuit" (French); "9:00", "14:30", "midnight"."""
    if value == _MIDNIGHT:
        return pgettext("opening hours", "midnight")
    if value.minute == 0:
        return pgettext("opening hours", "%(hour)s:00") % {"hour": value.hour}
    return pgettext("opening hours", "%(hour)s:%(minute)s") % {
        "hour": value.hour,
        "minute": f"{value.minute:02d}",
    }


def _day_phrase(held: _Day) -> str:
    parts = []
    if held.opened:
        if len(held.opened) == 1 and held.opened[0].whole_day:
            parts.append(pgettext("opening hours", "24 hours a day"))
        else:
            parts.append(
                _join(
                    [
                        pgettext("opening hours", "from %(opens)s to %(closes)s")
                        % {"opens": _spoken(r.opens), "closes": _spoken(r.closes)}
                        for r in held.opened
                    ]
                )
            )
    if held.unknown:
        if any(r.whole_day for r in held.unknown):
            parts.append(pgettext("opening hours", "hours unknown"))
        else:
            times = _join(
                [
                    pgettext("opening hours", "from %(opens)s to %(closes)s")
                    % {"opens": _spoken(r.opens), "closes": _spoken(r.closes)}
                    for r in held.unknown
                ]
            )
            parts.append(pgettext("opening hours", "hours uncertain %(times)s") % {"times": times})
    text = ", ".join(parts)
    if held.comments:
        text = pgettext("opening hours", "%(sentence)s (%(comment)s)") % {
            "sentence": text,
            "comment": ", ".join(held.comments),
        }
    return text


def _weekday(index: int) -> str:
    return str(WEEKDAYS[index])


def _runs(indexes: Sequence[int]) -> str:
    """Weekdays (0 = Monday) grouped in runs: "le lundi", "du lundi au mercredi",
    "le samedi et le dimanche", "le lundi et le mercredi"."""
    runs: list[list[int]] = []
    for index in indexes:
        if runs and runs[-1][-1] == index - 1:
            runs[-1].append(index)
        else:
            runs.append([index])
    phrases = []
    for run in runs:
        if len(run) >= 3:
            phrases.append(
                pgettext("opening hours", "%(first)s to %(last)s")
                % {"first": _weekday(run[0]), "last": _weekday(run[-1])}
            )
        else:
            phrases += [pgettext("opening hours", "on %(day)s") % {"day": _weekday(i)} for i in run]
    return _join(phrases)


def _week_phrase(week: _Week) -> str:
    """ "du lundi au vendredi de 9 h à 12 h ; le samedi de 9 h à 12 h", or "fermé"."""
    if all(d == _Day((TimeRange(_MIDNIGHT, _MIDNIGHT),)) for d in week):
        return pgettext("opening hours", "open 24 hours a day, 7 days a week")
    groups: dict[_Day, list[int]] = {}
    for index, held in enumerate(week):
        if not held.closed:
            groups.setdefault(held, []).append(index)
    if not groups:
        return pgettext("opening hours", "closed")
    phrase = ""
    for held, indexes in groups.items():
        group = pgettext("opening hours", "%(days)s %(hours)s") % {
            "days": _runs(indexes),
            "hours": _day_phrase(held),
        }
        phrase = (
            group
            if not phrase
            else pgettext("opening hours", "%(first)s; %(second)s")
            % {
                "first": phrase,
                "second": group,
            }
        )
    return phrase


def _period(first: int, last: int) -> str:
    if first == last:
        return pgettext("opening hours", "in %(month)s") % {"month": MONTHS[first]}
    return pgettext("opening hours", "between %(first)s and %(last)s") % {
        "first": MONTHS[first],
        "last": MONTHS[last],
    }


def describe(
    expression_or_hours: str | Hours | None,
    *,
    year: int | None = None,
    timezone: str = DEFAULT_TIMEZONE,
) -> str:
    """A plain-language summary in the active language, for screen readers and print:
    "Du lundi au vendredi de 9 h à 12 h et de 14 h à 18 h ; le samedi de 9 h à 12 h ;
    fermé les jours fériés".

    Built from the evaluated hours, not from the text: each month's usual week (per weekday, the
    hours most often seen that month, public holidays left aside) is computed for ``year``
    (default: the current year in the place's zone); the most common one is described, grouping
    days with identical hours, then the months that differ ("Fermé en août", "Entre juillet et
    août : …"). Public holidays are compared with the same weekday a week before
    and after: "fermé les jours fériés" when the place closes on all of them,
    "horaires particuliers les jours fériés" when some differ otherwise. Week-number rules
    (``week 01-10``) are summarised month by month, so only approximately.

    Empty hours give "Horaires inconnus". Raises :class:`HoursError` for an invalid expression.
    """
    hours = _hours(expression_or_hours, timezone)
    if hours is None:
        return pgettext("opening hours", "Hours unknown")
    if year is None:
        year = datetime.now(hours.zone).year
    summary = _summary(hours.expression, hours.timezone, year)
    holidays = {
        "closed": pgettext("opening hours", "closed on public holidays"),
        "special": pgettext("opening hours", "special hours on public holidays"),
        None: "",
    }[summary.holidays]
    sentences = []
    typical_closed = all(d.closed for d in summary.typical)
    if not typical_closed or not summary.periods:
        sentences.append(_week_phrase(summary.typical))
    for first, last, week in summary.periods:
        if all(d.closed for d in week):
            sentences.append(
                pgettext("opening hours", "closed %(period)s") % {"period": _period(first, last)}
            )
        else:
            sentences.append(
                pgettext("opening hours", "%(period)s: %(hours)s")
                % {"period": _period(first, last), "hours": _week_phrase(week)}
            )
    if typical_closed and summary.periods:
        sentences.append(pgettext("opening hours", "closed the rest of the year"))
    if holidays:
        sentences[0] = pgettext("opening hours", "%(first)s; %(second)s") % {
            "first": sentences[0],
            "second": holidays,
        }
    return ". ".join(capfirst(s) for s in sentences)


# --- Benchmark ----------------------------------------------------------------------------------


def _benchmark() -> None:  # pragma: no cover - measurement helper, see is_open_many
    import json
    import timeit
    from pathlib import Path

    source = Path(__file__).resolve().parent / "data"
    places = json.loads((source / "cartographie-nationale-687-lieux.json").read_text())
    real = [p["horaires"] for p in places if p.get("horaires")]
    repeated = (real * (20000 // len(real) + 1))[:20000]
    distinct = [  # 20,000 different expressions of the usual shape
        f"Mo-Fr {6 + i % 300 // 60:02d}:{i % 60:02d}-12:00,"
        f"14:00-{15 + i // 300 // 60:02d}:{i // 300 % 60:02d}; Sa 09:00-12:00; PH off"
        for i in range(20000)
    ]
    assert len(set(distinct)) == len(distinct)
    at = datetime(2027, 1, 5, 10, 30, tzinfo=UTC)
    for name, expressions in (("real (513 distinct)", repeated), ("all distinct", distinct)):
        _compile.cache_clear()
        cold = timeit.timeit(lambda e=expressions: is_open_many(e, at), number=1)
        warm = min(timeit.repeat(lambda e=expressions: is_open_many(e, at), number=1, repeat=5))
        print(f"{len(expressions)} {name}: cold {cold * 1000:.1f} ms, warm {warm * 1000:.1f} ms")


if __name__ == "__main__":  # pragma: no cover
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

    django.setup()
    _benchmark()
