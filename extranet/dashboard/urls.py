from django.urls import path

from extranet.dashboard import views

app_name = "dashboard"

urlpatterns = [
    path("", views.home, name="home"),
    path("widgets/<str:key>/", views.widget, name="widget"),
    path("bureau/", views.arrange, name="arrange"),
    path("notes/", views.note_save, name="note_save"),
    path("favoris/", views.bookmark_add, name="bookmark_add"),
    path("favoris/<int:pk>/retirer/", views.bookmark_remove, name="bookmark_remove"),
    path("groupes/<slug:slug>/widgets/<str:key>/", views.group_widget, name="group_widget"),
    path("groupes/<slug:slug>/bureau/", views.group_arrange, name="group_arrange"),
]
