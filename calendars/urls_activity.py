from django.urls import path

from calendars.views import activity

app_name = "activity"

urlpatterns = [
    path("", activity.index, name="index"),
    path("export.csv", activity.export_csv, name="csv"),
    path("ateliers/<int:pk>/questionnaires/", activity.workshop_surveys, name="workshop_surveys"),
]
