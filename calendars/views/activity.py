"""Activity figures for funders and survey results. Thin: parse the scope and period, ask the
permission authority, read through `calendars.activity`, render.

The CSV is UTF-8 with a byte-order mark and `;` between fields, numbers and dates in the
current language's format (decimal comma in French): what French Excel and LibreOffice open
as columns without an import dialogue. Every cell goes through `core.spreadsheets.safe_row`:
a title typed as a formula arrives as text.
"""

from __future__ import annotations

import csv
import math
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import formats, timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from calendars import activity
from calendars.activity import PARIS, ActivityReport, Figures, MonthRow, Scope
from calendars.forms.activity import ActivityFilterForm
from calendars.models import Workshop
from core.spreadsheets import safe_row
from core.views import deny, get_object_or_deny

LATEST_COMMENTS = 5

# The chart's drawing box, in SVG user units (it scales to the page's width).
CHART_WIDTH, CHART_HEIGHT = 720, 240
CHART_LEFT, CHART_BOTTOM, CHART_TOP = 48, 40, 16


def _filter_form(request: HttpRequest) -> tuple[ActivityFilterForm, list[Scope]]:
    """The form bound to the query string, the user's widest scope and the last twelve
    months filling in what is missing. Refuses who may see no figures at all."""
    scopes = activity.scope_choices(request.user)
    if not scopes:
        raise PermissionDenied
    default = activity.last_twelve_months()
    data = {
        "scope": scopes[0].key,
        "date_from": default.start.isoformat(),
        "date_to": default.end.isoformat(),
    }
    data.update({name: request.GET[name] for name in data if request.GET.get(name)})
    return ActivityFilterForm(data, scopes=scopes), scopes


def _scope(request: HttpRequest, form: ActivityFilterForm, scopes: list[Scope]) -> Scope:
    """The chosen scope, or 404 (sign-in for visitors) when it is not one's to see."""
    key = form.data["scope"]
    for scope in scopes:
        if scope.key == key:
            return scope
    scope = activity.resolve_scope(request.user, key)
    if scope is None:
        deny(request, None)
    return scope


def _number(value: float | None, decimals: int) -> str:
    """Rounded half up, as the templates' `floatformat` does (`number_format` truncates)."""
    if value is None:
        return ""
    rounded = Decimal(repr(value)).quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP)
    return formats.number_format(rounded, decimals)


def _tick(value: float) -> str:
    """An SVG coordinate: never localised (a decimal comma would break the drawing)."""
    return f"{value:.1f}"


def _nice_ceiling(value: float) -> float:
    """The top of the chart's scale: 1, 2 or 5 × a power of ten, at least the largest bar."""
    if value <= 0:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power  # pragma: no cover


def bar_chart(months: list[MonthRow], measure: str, decimals: int = 0) -> dict:
    """Geometry of a bar chart of one measure of `Figures` per month."""
    values = [getattr(row.figures, measure) for row in months]
    top = _nice_ceiling(max(values, default=0))
    plot_width = CHART_WIDTH - CHART_LEFT - 8
    plot_height = CHART_HEIGHT - CHART_BOTTOM - CHART_TOP
    slot = plot_width / max(len(months), 1)
    every = math.ceil(len(months) / 12) or 1  # at most twelve month labels
    bars = []
    for index, (row, value) in enumerate(zip(months, values, strict=True)):
        height = plot_height * value / top
        x = CHART_LEFT + index * slot
        bars.append(
            {
                "month": row.month,
                "value": value,
                "label": _number(value, decimals),
                "x": _tick(x + slot * 0.15),
                "y": _tick(CHART_TOP + plot_height - height),
                "width": _tick(slot * 0.7),
                "height": _tick(height),
                "text_x": _tick(x + slot / 2),
                "show_label": index % every == 0,
            }
        )
    return {
        "bars": bars,
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
        "left": CHART_LEFT,
        "right": CHART_WIDTH - 8,
        "baseline": _tick(CHART_TOP + plot_height),
        "top_y": _tick(CHART_TOP),
        "top_label": _number(top, 0),
        "label_y": _tick(CHART_TOP + plot_height + 18),
        "year_y": _tick(CHART_TOP + plot_height + 34),
    }


@login_required
def index(request: HttpRequest) -> HttpResponse:
    form, scopes = _filter_form(request)
    scope = _scope(request, form, scopes)
    context = {"form": form, "scope": scope, "report": None}
    if form.is_valid():
        report = activity.activity_report(scope, form.period)
        context.update(
            report=report,
            workshops_chart=bar_chart(report.months, "workshops"),
            hours_chart=bar_chart(report.months, "hours", 1),
            surveys=activity.scope_survey_results(scope, form.period, comments=LATEST_COMMENTS),
            csv_query=urlencode(
                {
                    "scope": scope.key,
                    "date_from": form.period.start.isoformat(),
                    "date_to": form.period.end.isoformat(),
                }
            ),
        )
    return render(request, "calendars/activity/index.html", context)


CSV_HEADER = (
    gettext_lazy("Place"),
    gettext_lazy("Commune"),
    gettext_lazy("Workshop"),
    gettext_lazy("Theme"),
    gettext_lazy("Level"),
    gettext_lazy("Sessions in the period"),
    gettext_lazy("First session"),
    gettext_lazy("Last session"),
    gettext_lazy("Seats"),
    gettext_lazy("Registered"),
    gettext_lazy("Attendance rate (%)"),
    gettext_lazy("Hours delivered"),
    gettext_lazy("Satisfaction (out of 5)"),
    gettext_lazy("Survey answers"),
)


def _date(value: datetime | None) -> str:
    if value is None:
        return ""
    return formats.date_format(timezone.localtime(value, PARIS), "SHORT_DATE_FORMAT")


def _figures_cells(figures: Figures) -> list[str]:
    return [
        str(figures.seats),
        str(figures.registered),
        _number(figures.attendance_rate, 1),
        _number(figures.hours, 1),
        _number(figures.overall, 2),
        str(figures.survey_count),
    ]


def _csv_filename(report: ActivityReport) -> str:
    scope = report.scope
    if scope.kind == Scope.PLACE:
        name = scope.place.nom
    elif scope.kind == Scope.TERRITORY:
        name = scope.territory.name
    else:
        name = _("network")
    parts = [_("activity"), name, report.period.start.isoformat(), report.period.end.isoformat()]
    return "_".join(slugify(part) for part in parts) + ".csv"


@login_required
def export_csv(request: HttpRequest) -> HttpResponse:
    form, scopes = _filter_form(request)
    scope = _scope(request, form, scopes)
    if not form.is_valid():
        context = {"form": form, "scope": scope, "report": None}
        return render(request, "calendars/activity/index.html", context, status=400)
    report = activity.activity_report(scope, form.period)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_csv_filename(report)}"'
    response.write("\ufeff")  # the byte-order mark: Excel reads the file as UTF-8
    writer = csv.writer(response, delimiter=";")
    writer.writerow([str(title) for title in CSV_HEADER])
    for row in report.workshops:
        workshop = row.workshop
        territory = workshop.place.territory
        # Names and titles are typed by people: safe_row keeps them from being formulas.
        writer.writerow(
            safe_row(
                [
                    workshop.place.nom,
                    territory.name if territory else workshop.place.commune,
                    workshop.title,
                    workshop.get_theme_display(),
                    workshop.get_level_display(),
                    str(row.figures.sessions),
                    _date(row.first_session),
                    _date(row.last_session),
                    *_figures_cells(row.figures),
                ]
            )
        )
    totals = report.totals
    writer.writerow(
        safe_row(
            [
                _("Total"),
                "",
                ngettext("%(count)s workshop", "%(count)s workshops", totals.workshops)
                % {"count": totals.workshops},
                "",
                "",
                str(totals.sessions),
                formats.date_format(report.period.start, "SHORT_DATE_FORMAT"),
                formats.date_format(report.period.end, "SHORT_DATE_FORMAT"),
                *_figures_cells(totals),
            ]
        )
    )
    return response


def workshop_surveys(request: HttpRequest, pk: int) -> HttpResponse:
    workshop = get_object_or_deny(
        request, Workshop.objects.select_related("place__territory"), "manage", pk=pk
    )
    return render(
        request,
        "calendars/activity/workshop_surveys.html",
        {"workshop": workshop, "surveys": activity.workshop_survey_results(workshop)},
    )
