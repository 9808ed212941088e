"""Opening hours (geodirectory.hours): parsing, state at an instant, sentences, weekly table,
summary, and the real expressions of the national map."""

import json
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from geodirectory import hours
from geodirectory.hours import HoursError, TimeRange

PARIS = ZoneInfo("Europe/Paris")
REUNION = ZoneInfo("Indian/Reunion")
USUAL = "Mo-Fr 09:00-12:00,14:00-18:00; Sa 09:00-12:00; PH off"
PLACES = (
    Path(__file__).resolve().parents[2]
    / "geodirectory"
    / "data"
    / "cartographie-nationale-687-lieux.json"
)


def paris(*args: int, fold: int = 0) -> datetime:
    return datetime(*args, tzinfo=PARIS, fold=fold)


@pytest.fixture
def fr():
    with translation.override("fr"):
        yield


@pytest.fixture
def en():
    with translation.override("en"):
        yield


# --- Parsing and validation ---------------------------------------------------------------------


def test_parse_returns_none_for_empty_or_blank_hours():
    assert hours.parse("") is None
    assert hours.parse("   ") is None
    assert hours.parse(None) is None


def test_parse_ignores_surrounding_whitespace_and_caches_the_result():
    first = hours.parse("  Mo-Fr 09:00-12:00 ")
    assert first is not None
    assert first.expression == "Mo-Fr 09:00-12:00"
    assert hours.parse("Mo-Fr 09:00-12:00") is first


def test_parse_caches_per_timezone():
    paris_hours = hours.parse("Mo 09:00-12:00")
    reunion_hours = hours.parse("Mo 09:00-12:00", timezone="Indian/Reunion")
    assert paris_hours is not reunion_hours
    assert reunion_hours.zone == REUNION


def test_parse_rejects_french_free_text_with_a_clear_message(fr):
    with pytest.raises(HoursError) as raised:
        hours.parse("lundi 9h-12h")
    message = str(raised.value)
    assert raised.value.column == 1
    assert message.startswith("« lundi 9h-12h » n’est pas au format des horaires d’ouverture")
    assert "Mo, Tu, We, Th, Fr, Sa, Su" in message
    assert "09:00-12:00" in message
    assert isinstance(raised.value, ValueError)


def test_invalid_expression_message_is_in_english_when_english_is_active(en):
    message = hours.validate("lundi 9h-12h")
    assert message.startswith(
        "“lundi 9h-12h” is not in the opening hours format (problem at character 1)."
    )
    assert "Write days in English with two letters" in message


def test_validate_returns_none_for_valid_and_empty_hours():
    assert hours.validate(USUAL) is None
    assert hours.validate("24/7") is None
    assert hours.validate("") is None
    assert hours.validate(None) is None


@pytest.mark.parametrize(
    ("expression", "column", "hint"),
    [
        ("Mo-Fr 09h-12h", 7, "deux points"),
        ("Mo-Fr 09:00-12:00;", 19, "point-virgule"),
        ("Mo–Fr 09:00-12:00", 3, "trait d’union"),
        ("Lu-Ve 09:00-12:00", 1, "Mo, Tu, We"),
        ("Mo-Fr 09:00-12:00; jours fériés off", 20, "PH off"),
        ("24/24", 1, "Exemple"),
    ],
)
def test_validate_points_at_the_error_and_gives_a_hint(fr, expression, column, hint):
    with pytest.raises(HoursError) as raised:
        hours.parse(expression)
    assert raised.value.column == column
    assert f"caractère {column}" in str(raised.value)
    assert hint in str(raised.value)
    assert hours.validate(expression) == str(raised.value)


def test_invalid_expression_is_reported_again_on_each_call():
    """Invalid results are cached too, but the error is raised every time."""
    for _attempt in range(2):
        with pytest.raises(HoursError):
            hours.parse("Mo 25h")


def test_unknown_timezone_is_a_programming_error():
    with pytest.raises(Exception, match="No time zone found"):
        hours.parse("Mo 09:00-12:00", timezone="Europe/Nowhere")


# --- Open or closed at an instant ---------------------------------------------------------------


def test_usual_hours_open_in_the_morning_and_closed_at_lunch():
    assert hours.is_open(USUAL, paris(2027, 1, 4, 10)) is True
    assert hours.is_open(USUAL, paris(2027, 1, 4, 12, 30)) is False
    assert hours.is_open(USUAL, paris(2027, 1, 9, 11)) is True  # Saturday morning
    assert hours.is_open(USUAL, paris(2027, 1, 10, 11)) is False  # Sunday


def test_is_open_accepts_utc_datetimes_such_as_django_now():
    # 09:30 UTC is 10:30 in Paris in winter.
    assert hours.is_open(USUAL, datetime(2027, 1, 4, 9, 30, tzinfo=UTC)) is True
    assert hours.is_open(USUAL, datetime(2027, 1, 4, 11, 30, tzinfo=UTC)) is False


def test_naive_datetime_is_read_as_the_place_local_time():
    assert hours.is_open(USUAL, datetime(2027, 1, 4, 10)) is True
    assert hours.is_open("Mo 09:00-10:00", datetime(2027, 1, 4, 9, 30), timezone="Indian/Reunion")


def test_overseas_place_is_evaluated_in_its_own_timezone():
    # 06:30 UTC is 10:30 in La Réunion (UTC+4) but 07:30 in Paris.
    at = datetime(2027, 1, 4, 6, 30, tzinfo=UTC)
    assert hours.is_open("Mo 10:00-12:00", at, timezone="Indian/Reunion") is True
    assert hours.is_open("Mo 10:00-12:00", at) is False
    change = hours.next_change("Mo 10:00-12:00", at, timezone="Indian/Reunion")
    assert change == datetime(2027, 1, 4, 12, tzinfo=REUNION)
    assert change.tzinfo == REUNION


def test_is_open_takes_a_parsed_hours_object():
    parsed = hours.parse(USUAL)
    assert hours.is_open(parsed, paris(2027, 1, 4, 10)) is True


def test_parsed_hours_keep_their_own_timezone():
    reunion = hours.parse("Mo 10:00-12:00", timezone="Indian/Reunion")
    at = datetime(2027, 1, 4, 6, 30, tzinfo=UTC)  # 10:30 in La Réunion
    assert hours.is_open(reunion, at, timezone="Europe/Paris") is True
    assert hours.status(reunion, at).until == datetime(2027, 1, 4, 12, tzinfo=REUNION)


def test_parsed_hours_can_be_normalized():
    assert hours.parse("Mo-Su 00:00-24:00").normalized() == "24/7"
    assert hours.parse("mo-fr 09:00-12:00").warnings  # lower-case days are accepted, with a warning


def test_empty_hours_are_unknown():
    assert hours.is_open("", paris(2027, 1, 4, 10)) is None
    assert hours.is_open(None, paris(2027, 1, 4, 10)) is None
    assert hours.next_change("", paris(2027, 1, 4, 10)) is None


def test_is_open_raises_for_an_invalid_expression():
    with pytest.raises(HoursError):
        hours.is_open("lundi 9h-12h", paris(2027, 1, 4, 10))


def test_overnight_range_is_open_after_midnight_on_the_next_day():
    expression = "Fr-Sa 20:00-02:00"
    assert hours.is_open(expression, paris(2027, 1, 8, 21)) is True  # Friday evening
    assert hours.is_open(expression, paris(2027, 1, 9, 1)) is True  # Saturday 01:00
    assert hours.is_open(expression, paris(2027, 1, 9, 3)) is False
    assert hours.is_open(expression, paris(2027, 1, 10, 1)) is True  # Sunday 01:00, from Sat
    assert hours.is_open(expression, paris(2027, 1, 8, 1)) is False  # Friday 01:00: Thu closed
    assert hours.next_change(expression, paris(2027, 1, 9, 1)) == paris(2027, 1, 9, 2)


def test_always_open_never_changes():
    assert hours.is_open("24/7", paris(2027, 8, 15, 3)) is True
    assert hours.next_change("24/7", paris(2027, 8, 15, 3)) is None


def test_off_is_always_closed():
    assert hours.is_open("off", paris(2027, 1, 4, 10)) is False
    assert hours.next_change("off", paris(2027, 1, 4, 10)) is None


@pytest.mark.parametrize(
    ("holiday", "usual_day"),
    [
        (paris(2027, 7, 14, 10), paris(2027, 7, 7, 10)),  # 14 juillet, a Wednesday
        (paris(2027, 5, 1, 10), paris(2027, 4, 24, 10)),  # 1er mai, a Saturday
        (paris(2027, 3, 29, 10), paris(2027, 3, 22, 10)),  # lundi de Pâques
    ],
)
def test_ph_off_closes_on_french_public_holidays(holiday, usual_day):
    expression = "Mo-Sa 09:00-12:00; PH off"
    assert hours.is_open(expression, holiday) is False
    assert hours.is_open(expression, usual_day) is True
    assert hours.is_open("Mo-Sa 09:00-12:00", holiday) is True


def test_public_holiday_calendar_is_the_french_one():
    assert hours.is_public_holiday(date(2027, 7, 14))
    assert hours.is_public_holiday(date(2027, 3, 29))
    assert hours.is_public_holiday(date(2027, 5, 1))
    assert not hours.is_public_holiday(date(2027, 3, 30))
    assert hours.is_public_holiday(date(2027, 7, 14), timezone="America/Cayenne")


def test_next_opening_skips_a_public_holiday():
    # Tuesday 13 July at 19:00; Wednesday is 14 juillet.
    expression = "Mo-Fr 09:00-12:00; PH off"
    assert hours.next_change(expression, paris(2027, 7, 13, 19)) == paris(2027, 7, 15, 9)


def test_month_range_applies_only_in_those_months():
    expression = "Jan-Jun Mo 10:00-12:00"
    assert hours.is_open(expression, paris(2027, 6, 28, 11)) is True
    assert hours.is_open(expression, paris(2027, 7, 5, 11)) is False
    assert hours.next_change(expression, paris(2027, 7, 5, 11)) == paris(2028, 1, 3, 10)


def test_week_range_applies_only_in_those_iso_weeks():
    expression = "week 01-10 Mo 10:00-12:00"
    assert hours.is_open(expression, paris(2027, 3, 8, 11)) is True  # week 10
    assert hours.is_open(expression, paris(2027, 3, 15, 11)) is False  # week 11


def test_seasonal_closure_in_august():
    expression = "Mo-Fr 09:00-18:00; Aug off"
    assert hours.is_open(expression, paris(2027, 7, 30, 10)) is True
    assert hours.is_open(expression, paris(2027, 8, 2, 10)) is False
    assert hours.next_change(expression, paris(2027, 8, 2, 10)) == paris(2027, 9, 1, 9)


def test_comment_keeps_the_state_open_and_is_reported():
    """Decision: per the OSM specification a comment does not change the state."""
    expression = 'Mo-Fr 09:00-17:00 "sur rendez-vous"'
    assert hours.is_open(expression, paris(2027, 1, 4, 10)) is True
    assert hours.is_open(expression, paris(2027, 1, 4, 18)) is False
    assert hours.status(expression, paris(2027, 1, 4, 10)).comment == "sur rendez-vous"


def test_unknown_modifier_makes_the_state_unknown():
    expression = 'Mo-Fr 09:00-17:00 unknown "sur rendez-vous"'
    assert hours.is_open(expression, paris(2027, 1, 4, 10)) is None
    assert hours.is_open(expression, paris(2027, 1, 4, 18)) is False


def test_a_rule_without_selectors_overrides_whole_days():
    """OSM semantics: a later rule for the same day replaces the earlier one."""
    expression = "Mo-Fr 09:00-18:00; We 09:00-12:00"
    assert hours.is_open(expression, paris(2027, 1, 6, 15)) is False
    assert hours.is_open(expression, paris(2027, 1, 5, 15)) is True


def test_state_change_far_in_the_past_or_future_counts_as_never():
    assert hours.next_change("2020 Mo 10:00-12:00", paris(2027, 1, 4, 10)) is None
    assert hours.next_change("2030 Mo 10:00-12:00", paris(2027, 1, 4, 10)) is None
    assert hours.is_open("2030 Mo 10:00-12:00", paris(2030, 1, 7, 11)) is True


def test_next_change_ignores_a_change_of_comment_only():
    expression = 'Mo 09:00-12:00 "guichet", Mo 12:00-14:00 "accueil libre"'
    assert hours.next_change(expression, paris(2027, 1, 4, 10)) == paris(2027, 1, 4, 14)


# --- Daylight-saving changes (Europe/Paris: 28 March and 31 October 2027) -------------------------


def test_spring_forward_night_follows_the_wall_clock():
    expression = "Su 01:00-04:00"
    assert hours.is_open(expression, paris(2027, 3, 28, 1, 30)) is True
    assert hours.is_open(expression, paris(2027, 3, 28, 3, 30)) is True  # CEST
    assert hours.is_open(expression, paris(2027, 3, 28, 4, 30)) is False
    change = hours.next_change(expression, paris(2027, 3, 28, 1, 0))
    assert change == paris(2027, 3, 28, 4)
    assert change.utcoffset() == timedelta(hours=2)
    # 01:00-04:00 on that night is two real hours.
    assert change.astimezone(UTC) - paris(2027, 3, 28, 1).astimezone(UTC) == timedelta(hours=2)


def test_time_that_does_not_exist_in_spring_is_evaluated_without_error():
    # 02:30 on 28 March 2027 does not exist in Paris: it is read as 03:30 CEST.
    assert hours.is_open("Su 01:00-04:00", paris(2027, 3, 28, 2, 30)) is True
    assert hours.is_open("Su 03:00-04:00", datetime(2027, 3, 28, 2, 30)) is True


def test_fall_back_night_follows_the_wall_clock():
    expression = "Su 01:00-04:00"
    assert hours.is_open(expression, paris(2027, 10, 31, 2, 30, fold=0)) is True  # CEST
    assert hours.is_open(expression, paris(2027, 10, 31, 2, 30, fold=1)) is True  # CET
    assert hours.is_open(expression, paris(2027, 10, 31, 4, 30)) is False
    change = hours.next_change(expression, paris(2027, 10, 31, 2, 30, fold=1))
    assert change == paris(2027, 10, 31, 4)
    assert change.utcoffset() == timedelta(hours=1)
    # 01:00-04:00 on that night is four real hours.
    assert change.astimezone(UTC) - paris(2027, 10, 31, 1).astimezone(UTC) == timedelta(hours=4)


def test_fall_back_night_in_utc():
    expression = "Su 01:00-04:00"
    # 00:30, 01:30 and 02:30 UTC are 02:30 CEST, 02:30 CET and 03:30 CET: open.
    for hour in (0, 1, 2):
        assert hours.is_open(expression, datetime(2027, 10, 31, hour, 30, tzinfo=UTC)) is True
    assert hours.is_open(expression, datetime(2027, 10, 31, 3, 30, tzinfo=UTC)) is False


# --- Many places at once --------------------------------------------------------------------------


def test_is_open_many_keeps_order_and_tolerates_empty_and_invalid_hours():
    at = paris(2027, 1, 4, 10)
    result = hours.is_open_many(
        [USUAL, None, "", "off", "lundi 9h-12h", 'Mo unknown "?"', USUAL, "24/7"], at
    )
    assert result == [True, None, None, False, None, None, True, True]


def test_is_open_many_agrees_with_is_open():
    expressions = ["Mo-Fr 09:00-12:00", "Tu 10:00-11:00", "Fr-Sa 20:00-02:00", "Aug off"]
    for at in (paris(2027, 1, 4, 10), paris(2027, 1, 9, 1), paris(2027, 8, 3, 10)):
        assert hours.is_open_many(expressions, at) == [hours.is_open(e, at) for e in expressions]


def test_is_open_many_is_fast_for_twenty_thousand_places():
    import time as clock

    expressions = [
        f"Mo-Fr {6 + i % 300 // 60:02d}:{i % 60:02d}-12:00; Sa 09:00-12:00; PH off"
        for i in range(300)
    ] * 67
    hours.is_open_many(expressions, paris(2027, 1, 4, 10))  # warm the parse cache
    start = clock.perf_counter()
    result = hours.is_open_many(expressions, paris(2027, 1, 4, 10))
    elapsed = clock.perf_counter() - start
    assert len(result) == 20100
    assert elapsed < 0.5  # measured about 3 ms; generous for slow CI machines


# --- Status and its sentence ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expression", "at", "sentence"),
    [
        ("Mo-Fr 09:00-18:00", paris(2027, 1, 4, 10), "Ouvert, ferme à 18:00"),
        ("Tu 09:00-12:00", paris(2027, 1, 7, 19), "Fermé, ouvre mardi à 09:00"),
        (USUAL, paris(2027, 1, 4, 19), "Fermé, ouvre demain à 09:00"),
        (USUAL, paris(2027, 1, 4, 12, 30), "Fermé, ouvre aujourd’hui à 14:00"),
        ("24/7", paris(2027, 1, 4, 10), "Ouvert 24 h/24"),
        ("off", paris(2027, 1, 4, 10), "Fermé pour le moment"),
        ("Mo-Fr 09:00-18:00; Aug off", paris(2027, 8, 2, 10), "Fermé pour le moment"),
        ("", paris(2027, 1, 4, 10), "Horaires inconnus"),
        ("Mo-Fr 09:00-17:00 unknown", paris(2027, 1, 4, 10), "Horaires inconnus"),
        ("Fr-Sa 20:00-02:00", paris(2027, 1, 8, 21), "Ouvert, ferme demain à 02:00"),
        ("Fr 20:00-24:00", paris(2027, 1, 8, 21), "Ouvert, ferme à minuit"),
        ("Mo-Fr 09:00-12:00; PH off", paris(2027, 7, 13, 19), "Fermé, ouvre jeudi à 09:00"),
        (
            "Mo-Fr 09:00-18:00; Aug off",
            paris(2027, 8, 20, 19),
            "Fermé, ouvre le 1 septembre à 09:00",
        ),
        (
            'Mo-Fr 09:00-17:00 "sur rendez-vous"',
            paris(2027, 1, 4, 10),
            "Ouvert, ferme à 17:00 (sur rendez-vous)",
        ),
        (
            "Mo-Fr 09:00-17:00; We 12:00-14:00 unknown",
            paris(2027, 1, 6, 10),
            "Fermé, puis horaires inconnus aujourd’hui à 12:00",
        ),
    ],
)
def test_status_sentence_in_french(fr, expression, at, sentence):
    assert hours.status(expression, at).sentence() == sentence


@pytest.mark.parametrize(
    ("expression", "at", "sentence"),
    [
        ("Mo-Fr 09:00-18:00", paris(2027, 1, 4, 10), "Open, closes at 18:00"),
        ("Tu 09:00-12:00", paris(2027, 1, 7, 19), "Closed, opens Tuesday at 09:00"),
        (USUAL, paris(2027, 1, 4, 19), "Closed, opens tomorrow at 09:00"),
        (USUAL, paris(2027, 1, 4, 12, 30), "Closed, opens today at 14:00"),
        ("24/7", paris(2027, 1, 4, 10), "Open 24/7"),
        ("off", paris(2027, 1, 4, 10), "Closed for now"),
        ("", paris(2027, 1, 4, 10), "Hours unknown"),
        ("Fr 20:00-24:00", paris(2027, 1, 8, 21), "Open, closes at midnight"),
        (
            "Mo-Fr 09:00-18:00; Aug off",
            paris(2027, 8, 20, 19),
            "Closed, opens on 1 September at 09:00",
        ),
    ],
)
def test_status_sentence_in_english(en, expression, at, sentence):
    assert hours.status(expression, at).sentence() == sentence


def test_status_fields():
    result = hours.status(USUAL, datetime(2027, 1, 4, 11, 30, tzinfo=UTC))  # 12:30 in Paris
    assert result.state == "closed"
    assert result.is_open is False
    assert result.until == paris(2027, 1, 4, 14)
    assert result.next_state == "open"
    assert result.at == paris(2027, 1, 4, 12, 30)
    assert hours.status("", paris(2027, 1, 4, 10)).is_open is None
    assert hours.status("24/7", paris(2027, 1, 4, 10)).until is None


def test_status_horizon_decides_closed_for_now(fr):
    at = paris(2027, 8, 2, 10)
    expression = "Mo-Fr 09:00-18:00; Aug off"
    assert hours.status(expression, at).sentence() == "Fermé pour le moment"
    wide = hours.status(expression, at, horizon=timedelta(days=60))
    assert wide.sentence() == "Fermé, ouvre le 1 septembre à 09:00"


def test_status_sentence_follows_the_active_language_after_creation():
    result = hours.status("Mo-Fr 09:00-18:00", paris(2027, 1, 4, 10))
    with translation.override("fr"):
        assert str(result) == "Ouvert, ferme à 18:00"
    with translation.override("en"):
        assert str(result) == "Open, closes at 18:00"


def test_status_raises_for_an_invalid_expression():
    with pytest.raises(HoursError):
        hours.status("lundi 9h-12h", paris(2027, 1, 4, 10))


def test_status_sentence_across_the_spring_change(fr):
    assert (
        hours.status("Su 01:00-04:00", paris(2027, 3, 28, 3, 30)).sentence()
        == "Ouvert, ferme à 04:00"
    )


# --- Weekly table ---------------------------------------------------------------------------------


def test_weekly_table_lists_the_seven_days_from_monday(fr):
    week = hours.weekly_table(USUAL, week_of=date(2027, 1, 6))
    assert [day.day for day in week] == [date(2027, 1, 4) + timedelta(days=i) for i in range(7)]
    assert [str(day) for day in week] == [
        "Lundi : 09:00–12:00, 14:00–18:00",
        "Mardi : 09:00–12:00, 14:00–18:00",
        "Mercredi : 09:00–12:00, 14:00–18:00",
        "Jeudi : 09:00–12:00, 14:00–18:00",
        "Vendredi : 09:00–12:00, 14:00–18:00",
        "Samedi : 09:00–12:00",
        "Dimanche : fermé",
    ]
    assert week[0].ranges == (TimeRange(time(9), time(12)), TimeRange(time(14), time(18)))
    assert week[6].closed


def test_weekly_table_in_english(en):
    week = hours.weekly_table(USUAL, week_of=date(2027, 1, 4))
    assert str(week[0]) == "Monday: 09:00–12:00, 14:00–18:00"
    assert str(week[6]) == "Sunday: closed"
    assert week[0].weekday_name == "Monday"


def test_weekly_table_marks_the_public_holiday_closure(fr):
    week = hours.weekly_table(USUAL, week_of=date(2027, 7, 14))
    wednesday = week[2]
    assert wednesday.day == date(2027, 7, 14)
    assert wednesday.public_holiday
    assert wednesday.holiday_closure
    assert wednesday.ranges == ()
    assert str(wednesday) == "Mercredi : fermé (jour férié)"
    assert not week[6].holiday_closure


def test_weekly_table_holiday_on_a_day_normally_closed_is_not_a_closure():
    # 15 August 2027 is a Sunday.
    week = hours.weekly_table(USUAL, week_of=date(2027, 8, 15))
    assert week[6].public_holiday
    assert not week[6].holiday_closure


def test_weekly_table_holiday_open_without_ph_off():
    week = hours.weekly_table("Mo-Fr 09:00-12:00", week_of=date(2027, 7, 14))
    assert week[2].public_holiday
    assert week[2].ranges == (TimeRange(time(9), time(12)),)


def test_weekly_table_keeps_overnight_ranges_on_the_day_they_start(fr):
    week = hours.weekly_table("Fr-Sa 20:00-02:00", week_of=date(2027, 1, 4))
    assert week[4].ranges == (TimeRange(time(20), time(2)),)
    assert week[4].ranges[0].ends_next_day
    assert week[5].ranges == (TimeRange(time(20), time(2)),)
    assert week[6].closed  # Sunday 00:00-02:00 belongs to Saturday
    assert str(week[4]) == "Vendredi : 20:00–02:00"


def test_weekly_table_for_always_open(fr):
    week = hours.weekly_table("24/7", week_of=date(2027, 1, 4))
    assert all(day.ranges == (TimeRange(time(0), time(0)),) for day in week)
    assert str(week[0]) == "Lundi : 00:00–24:00"
    assert week[0].ranges[0].whole_day


def test_weekly_table_across_the_daylight_saving_changes():
    spring = hours.weekly_table("Su 01:00-04:00", week_of=date(2027, 3, 28))
    autumn = hours.weekly_table("Su 01:00-04:00", week_of=date(2027, 10, 31))
    assert spring[6].ranges == (TimeRange(time(1), time(4)),)
    assert autumn[6].ranges == (TimeRange(time(1), time(4)),)


def test_weekly_table_seasonal_and_monthly_rules():
    # Monday 30 and Tuesday 31 August are closed, September opens on Wednesday.
    august = hours.weekly_table("Mo-Fr 09:00-18:00; Aug off", week_of=date(2027, 8, 31))
    assert [bool(d.ranges) for d in august] == [False, False, True, True, True, False, False]
    july = hours.weekly_table("Jan-Jun Mo 10:00-12:00", week_of=date(2027, 7, 5))
    assert all(day.closed for day in july)


def test_weekly_table_shows_comments_and_unknown_hours(fr):
    week = hours.weekly_table(
        'Mo 09:00-12:00 "sur rendez-vous"; Tu 14:00-17:00 unknown; We unknown',
        week_of=date(2027, 1, 4),
    )
    assert week[0].comments == ("sur rendez-vous",)
    assert week[0].hours_text() == "09:00–12:00 (sur rendez-vous)"
    assert week[1].unknown == (TimeRange(time(14), time(17)),)
    assert week[1].hours_text() == "14:00–17:00 (incertain)"
    assert week[2].hours_text() == "horaires inconnus"


def test_weekly_table_marks_today_for_the_template(fr):
    week = hours.weekly_table(USUAL, week_of=date(2027, 1, 6))
    assert [day.is_today for day in week] == [False, False, True, False, False, False, False]
    other = hours.weekly_table(USUAL, week_of=date(2027, 1, 6), today=date(2027, 1, 4))
    assert other[0].is_today and not other[2].is_today
    assert week[0].date == date(2027, 1, 4)
    assert week[0].text == "09:00–12:00, 14:00–18:00"
    assert week[6].text == "fermé"


def test_weekly_table_of_empty_hours_is_empty():
    assert hours.weekly_table("", week_of=date(2027, 1, 4)) == []


def test_weekly_table_raises_for_an_invalid_expression():
    with pytest.raises(HoursError):
        hours.weekly_table("lundi 9h-12h", week_of=date(2027, 1, 4))


# --- Plain-language summary -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expression", "summary"),
    [
        (
            USUAL,
            "Du lundi au vendredi de 9 h à 12 h et de 14 h à 18 h ; "
            "le samedi de 9 h à 12 h ; fermé les jours fériés",
        ),
        ("Mo-Fr 08:30-12:00", "Du lundi au vendredi de 8 h 30 à 12 h"),
        ("Sa-Su 10:00-12:00", "Le samedi et le dimanche de 10 h à 12 h"),
        (
            "Mo,We,Fr 09:00-12:00; Tu 14:00-17:00",
            "Le lundi, le mercredi et le vendredi de 9 h à 12 h ; le mardi de 14 h à 17 h",
        ),
        (
            "Mo-We,Sa 09:00-12:00",
            "Du lundi au mercredi et le samedi de 9 h à 12 h",
        ),
        ("Fr-Sa 20:00-02:00", "Le vendredi et le samedi de 20 h à 2 h"),
        ("Fr 18:00-24:00", "Le vendredi de 18 h à minuit"),
        ("24/7", "Ouvert 24 h/24, 7 j/7"),
        ("24/7; PH off", "Ouvert 24 h/24, 7 j/7 ; fermé les jours fériés"),
        ("Sa-Su 00:00-24:00", "Le samedi et le dimanche 24 h/24"),
        ("off", "Fermé"),
        ("", "Horaires inconnus"),
        ("Mo-Fr 09:00-18:00; Aug off", "Du lundi au vendredi de 9 h à 18 h. Fermé en août"),
        ("Jan-Jun Mo 10:00-12:00", "Le lundi de 10 h à 12 h. Fermé entre juillet et décembre"),
        (
            "Mo 09:00-12:00; Nov-Feb Sa 10:00-12:00",
            "Le lundi de 9 h à 12 h. Entre novembre et février : "
            "le lundi de 9 h à 12 h ; le samedi de 10 h à 12 h",
        ),
        ("Tu 09:00-12:00; PH off", "Le mardi de 9 h à 12 h ; fermé les jours fériés"),
        (
            "Mo-Fr 09:00-12:00; PH 10:00-11:00",
            "Du lundi au vendredi de 9 h à 12 h ; horaires particuliers les jours fériés",
        ),
        (
            'Mo-Fr 09:00-17:00 "sur rendez-vous"',
            "Du lundi au vendredi de 9 h à 17 h (sur rendez-vous)",
        ),
        ("Mo-Fr unknown", "Du lundi au vendredi horaires inconnus"),
        ("Mo-Fr 09:00-12:00 unknown", "Du lundi au vendredi horaires incertains de 9 h à 12 h"),
    ],
)
def test_describe_in_french(fr, expression, summary):
    assert hours.describe(expression, year=2027) == summary


def test_describe_in_english(en):
    assert hours.describe(USUAL, year=2027) == (
        "Monday to Friday from 9:00 to 12:00 and from 14:00 to 18:00; "
        "on Saturday from 9:00 to 12:00; closed on public holidays"
    )
    assert hours.describe("Mo-Fr 09:00-18:00; Aug off", year=2027) == (
        "Monday to Friday from 9:00 to 18:00. Closed in August"
    )


def test_describe_week_numbers_only_approximately(fr):
    assert hours.describe("week 01-10 Mo 10:00-12:00", year=2027) == (
        "Entre janvier et mars : le lundi de 10 h à 12 h. Fermé le reste de l’année"
    )


def test_describe_does_not_claim_holiday_closure_from_a_season_boundary(fr):
    assert "fériés" not in hours.describe("week 01-10 Mo 10:00-12:00", year=2027)
    assert "fériés" not in hours.describe("Mo 09:00-12:00; Nov-Feb Sa 10:00-12:00", year=2027)


def test_describe_follows_the_active_language_on_cached_summaries():
    with translation.override("fr"):
        french = hours.describe("Mo-Fr 10:00-16:00", year=2027)
    with translation.override("en"):
        english = hours.describe("Mo-Fr 10:00-16:00", year=2027)
    assert french == "Du lundi au vendredi de 10 h à 16 h"
    assert english == "Monday to Friday from 10:00 to 16:00"


def test_describe_defaults_to_the_current_year():
    assert hours.describe("Mo-Fr 08:30-12:00") == hours.describe(
        "Mo-Fr 08:30-12:00", year=datetime.now(PARIS).year
    )


def test_describe_raises_for_an_invalid_expression():
    with pytest.raises(HoursError):
        hours.describe("lundi 9h-12h")


# --- The real expressions of the national map -----------------------------------------------------


def real_expressions() -> list[str | None]:
    return [place.get("horaires") for place in json.loads(PLACES.read_text())]


def test_real_expressions_parse():
    expressions = real_expressions()
    given = [e for e in expressions if e and e.strip()]
    valid = [e for e in given if hours.validate(e) is None]
    assert len(expressions) == 687
    assert len(given) == 617  # 70 places give no hours
    # Measured: 617 of 617 (100 %). A floor, not an exact count.
    assert len(valid) / len(given) >= 1.0


def test_every_real_expression_gives_a_state_a_sentence_and_a_table(fr):
    at = paris(2027, 1, 5, 10, 30)  # a Tuesday morning
    expressions = sorted({e for e in real_expressions() if e})
    states = hours.is_open_many(expressions, at)
    assert all(state in (True, False, None) for state in states)
    assert sum(state is True for state in states) > len(states) / 3
    for expression in expressions:
        assert hours.is_open(expression, at) in (True, False, None)
        assert hours.status(expression, at).sentence()
        assert len(hours.weekly_table(expression, week_of=at.date())) == 7


def test_real_expressions_can_be_summarised(fr):
    expressions = sorted({e for e in real_expressions() if e})[::10]
    for expression in expressions:
        summary = hours.describe(expression, year=2027)
        assert summary
        assert "%(" not in summary
