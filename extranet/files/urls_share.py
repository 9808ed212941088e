"""The public side of share links: no account needed, /partage/<token>/."""

from django.urls import path

from extranet.files import views

app_name = "files_share"

urlpatterns = [
    path("<str:token>/", views.share_open, name="open"),
    path("<str:token>/dossiers/<int:folder_pk>/", views.share_open, name="folder"),
    path("<str:token>/telecharger/", views.share_download, name="download"),
    path("<str:token>/fichiers/<int:file_pk>/", views.share_download, name="file"),
]
