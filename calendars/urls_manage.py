from django.urls import path

from calendars.views import manage

app_name = "workshops_manage"

urlpatterns = [
    path("", manage.index, name="index"),
    path("lieux/<int:place_pk>/nouveau/", manage.workshop_create, name="create"),
    path("<int:pk>/", manage.workshop_manage, name="workshop"),
    path("<int:pk>/modifier/", manage.workshop_edit, name="edit"),
    path("<int:pk>/annuler/", manage.workshop_cancel, name="cancel"),
    path("<int:pk>/inscrire/", manage.register_on_behalf, name="register"),
    path("inscriptions/<int:pk>/annuler/", manage.registration_cancel, name="registration_cancel"),
    path("seances/<int:pk>/presences/", manage.attendance, name="attendance"),
    path("seances/<int:pk>/deplacer/", manage.session_move, name="session_move"),
    path("seances/<int:pk>/annuler/", manage.session_cancel, name="session_cancel"),
]
