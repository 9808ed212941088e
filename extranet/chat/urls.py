from django.urls import path

from extranet.chat import views

app_name = "chat"

urlpatterns = [
    path("", views.index, name="index"),
    path("nouvelle/", views.direct_new, name="direct_new"),
    path("avec/<int:user_pk>/", views.direct_with, name="direct"),
    path("canaux/nouveau/", views.channel_new, name="channel_new"),
    path("groupes/<slug:slug>/", views.workspace_room, name="workspace"),
    path("<int:pk>/", views.room, name="room"),
    path("<int:pk>/envoyer/", views.post, name="post"),
    path("<int:pk>/sourdine/", views.mute, name="mute"),
    path("<int:pk>/moderation/", views.moderation_log, name="moderation_log"),
    path("<int:pk>/personnes/", views.people, name="people"),
    path("<int:pk>/messages/<int:seq>/supprimer/", views.delete, name="delete"),
    path("fichiers-joints/<int:pk>/", views.attachment, name="attachment"),
]
