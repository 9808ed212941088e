from django.urls import path

from core.workspaces import views

app_name = "workspaces"

urlpatterns = [
    path("", views.group_list, name="list"),
    path("nouveau/", views.group_create, name="create"),
    path("adhesions/<int:pk>/accepter/", views.membership_accept, name="membership_accept"),
    path("adhesions/<int:pk>/refuser/", views.membership_decline, name="membership_decline"),
    path("adhesions/<int:pk>/retirer/", views.membership_remove, name="membership_remove"),
    path("adhesions/<int:pk>/role/", views.membership_role, name="membership_role"),
    path("<slug:slug>/", views.group_detail, name="detail"),
    path("<slug:slug>/modifier/", views.group_edit, name="edit"),
    path("<slug:slug>/archiver/", views.group_archive, name="archive"),
    path("<slug:slug>/restaurer/", views.group_unarchive, name="unarchive"),
    path("<slug:slug>/rejoindre/", views.group_join, name="join"),
    path("<slug:slug>/demander/", views.group_request, name="request"),
    path("<slug:slug>/quitter/", views.group_leave, name="leave"),
    path("<slug:slug>/membres/", views.group_members, name="members"),
    path("<slug:slug>/inviter/", views.group_invite, name="invite"),
]
