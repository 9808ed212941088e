from django.urls import path

from extranet.files import views

app_name = "files"

urlpatterns = [
    path("", views.index, name="index"),
    path("liens/<int:pk>/revoquer/", views.share_revoke, name="share_revoke"),
    path("<slug:slug>/", views.workspace_root, name="workspace"),
    path("<slug:slug>/envoyer/", views.upload, name="upload"),
    path("<slug:slug>/nouveau-dossier/", views.folder_create, name="folder_create"),
    path("<slug:slug>/corbeille/", views.trash, name="trash"),
    path("<slug:slug>/corbeille/action/", views.trash_action, name="trash_action"),
    path("<slug:slug>/quota/", views.quota_set, name="quota"),
    path("<slug:slug>/dossiers/<int:pk>/", views.folder_detail, name="folder"),
    path("<slug:slug>/dossiers/<int:pk>/gerer/", views.folder_manage, name="folder_manage"),
    path("<slug:slug>/dossiers/<int:pk>/renommer/", views.folder_rename, name="folder_rename"),
    path("<slug:slug>/dossiers/<int:pk>/deplacer/", views.folder_move, name="folder_move"),
    path("<slug:slug>/dossiers/<int:pk>/supprimer/", views.folder_trash, name="folder_trash"),
    path("<slug:slug>/<str:kind>/<int:pk>/partager/", views.share_create, name="share_create"),
    path("<slug:slug>/fichiers/<int:pk>/", views.file_detail, name="file"),
    path("<slug:slug>/fichiers/<int:pk>/telecharger/<str:name>", views.download, name="download"),
    path("<slug:slug>/fichiers/<int:pk>/apercu.png", views.thumbnail, name="thumbnail"),
    path("<slug:slug>/fichiers/<int:pk>/renommer/", views.file_rename, name="file_rename"),
    path("<slug:slug>/fichiers/<int:pk>/deplacer/", views.file_move, name="file_move"),
    path("<slug:slug>/fichiers/<int:pk>/supprimer/", views.file_trash, name="file_trash"),
    path(
        "<slug:slug>/fichiers/<int:pk>/versions/<int:number>/",
        views.version_download,
        name="version_download",
    ),
    path(
        "<slug:slug>/fichiers/<int:pk>/versions/<int:number>/restaurer/",
        views.version_restore,
        name="version_restore",
    ),
]
