from django.urls import path

from core.accounts import views

app_name = "accounts"

urlpatterns = [
    path("invitation/<str:token>/", views.invitation_accept, name="invitation"),
    path("espace/profil/", views.profile_edit, name="profile_edit"),
    path("espace/personnes/<int:pk>/", views.profile, name="profile"),
    path("espace/personnes/<int:pk>/photo/", views.profile_photo, name="profile_photo"),
]
