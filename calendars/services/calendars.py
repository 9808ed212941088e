"""Calendars come into being when first needed: one per workspace and one per place."""

from __future__ import annotations

from calendars.models import Calendar
from core.workspaces.models import Workspace
from geodirectory.models import Place


def calendar_for_workspace(workspace: Workspace) -> Calendar:
    calendar, _created = Calendar.objects.get_or_create(workspace=workspace)
    return calendar


def calendar_for_place(place: Place) -> Calendar:
    calendar, _created = Calendar.objects.get_or_create(place=place)
    return calendar
