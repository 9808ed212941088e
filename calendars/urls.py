from django.urls import path

from calendars.views import workshops

app_name = "workshops"

urlpatterns = [
    path("", workshops.workshop_list, name="list"),
    path("inscription/<str:token>/", workshops.registration_detail, name="registration"),
    path("avis/<str:token>/", workshops.survey, name="survey"),
    path("<slug:slug>/", workshops.workshop_detail, name="detail"),
]
