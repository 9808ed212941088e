from django.urls import path

from geodirectory import views, views_extranet

app_name = "geodirectory"

urlpatterns = [
    path("lieux/", views.directory, name="directory"),
    path("lieux/<slug:slug>/", views.place_detail, name="place"),
    path("lieux/<slug:slug>/photos/<int:photo_pk>/", views.place_photo, name="place_photo"),
    path("api/lieux.csv", views.export_csv, name="export_csv"),
    path("api/lieux.json", views.export_json, name="export_json"),
    path("api/lieux.geojson", views.geojson, name="geojson"),
    path("api/lieux/proches", views.nearby, name="nearby"),
    # Members' area: editing.
    path("espace/lieux/", views_extranet.my_places, name="my_places"),
    path("espace/lieux/nouveau/", views_extranet.place_create, name="place_create"),
    path("espace/lieux/<int:pk>/modifier/", views_extranet.place_edit, name="place_edit"),
    path("espace/lieux/<int:pk>/historique/", views_extranet.place_history, name="place_history"),
    path("espace/lieux/<int:pk>/photos/", views_extranet.place_photos, name="place_photos"),
    path(
        "espace/lieux/<int:pk>/photos/<int:photo_pk>/supprimer/",
        views_extranet.place_photo_delete,
        name="place_photo_delete",
    ),
]
