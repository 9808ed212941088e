from django.urls import path

from calendars.views import agenda

app_name = "agenda"

urlpatterns = [
    path("", agenda.index, name="index"),
    path("calendriers/<int:pk>/", agenda.calendar_detail, name="calendar"),
    path("calendriers/<int:pk>/nouvel-evenement/", agenda.event_create, name="event_create"),
    path("calendriers/<int:pk>/abonnement/", agenda.calendar_feed, name="feed"),
    path("calendriers/<int:pk>/journal/", agenda.calendar_log, name="calendar_log"),
    path("espaces/<slug:slug>/", agenda.workspace_calendar, name="workspace"),
    path("evenements/<int:pk>/", agenda.event_detail, name="event"),
    path("evenements/<int:pk>/modifier/", agenda.event_edit, name="event_edit"),
    path("evenements/<int:pk>/supprimer/", agenda.event_delete, name="event_delete"),
    path(
        "evenements/<int:pk>/occurrences/<str:key>/annuler/",
        agenda.occurrence_cancel,
        name="occurrence_cancel",
    ),
    path(
        "evenements/<int:pk>/occurrences/<str:key>/deplacer/",
        agenda.occurrence_move,
        name="occurrence_move",
    ),
    path(
        "evenements/<int:pk>/occurrences/<str:key>/retablir/",
        agenda.occurrence_restore,
        name="occurrence_restore",
    ),
]
