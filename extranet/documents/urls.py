from django.urls import path

from extranet.documents import views

app_name = "documents"

urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:slug>/", views.workspace_documents, name="workspace"),
    path("<slug:slug>/nouveau/", views.create, name="create"),
    path("<slug:slug>/importer/", views.import_file, name="import"),
    path("<slug:slug>/corbeille/", views.trash, name="trash"),
    path("<slug:slug>/<int:pk>/", views.edit, name="edit"),
    path("<slug:slug>/<int:pk>/renommer/", views.rename, name="rename"),
    path("<slug:slug>/<int:pk>/dupliquer/", views.duplicate, name="duplicate"),
    path("<slug:slug>/<int:pk>/supprimer/", views.trash_document, name="trash_document"),
    path("<slug:slug>/<int:pk>/restaurer/", views.restore_document, name="restore_document"),
    path("<slug:slug>/<int:pk>/historique/", views.history, name="history"),
    path("<slug:slug>/<int:pk>/versions/nommer/", views.version_name, name="version_name"),
    path("<slug:slug>/<int:pk>/versions/<int:version>/", views.version_detail, name="version"),
    path(
        "<slug:slug>/<int:pk>/versions/<int:version>/restaurer/",
        views.version_restore,
        name="version_restore",
    ),
    path("<slug:slug>/<int:pk>/comparer/", views.compare, name="compare"),
    path("<slug:slug>/<int:pk>/exporter/<str:fmt>/", views.export, name="export"),
    path("<slug:slug>/<int:pk>/images/", views.images, name="images"),
]
