from django.urls import path

from extranet.network import views, views_social

app_name = "network"

urlpatterns = [
    path("personnes/", views.people, name="people"),
    path("administration/comptes/", views.accounts, name="accounts"),
    path("administration/comptes/<int:pk>/", views.account, name="account"),
    path(
        "administration/comptes/<int:pk>/activation/",
        views.account_set_active,
        name="account_set_active",
    ),
    path("administration/invitations/", views.invitations, name="invitations"),
    path("administration/invitations/nouvelle/", views.invitation_create, name="invitation_create"),
    path(
        "administration/invitations/<int:pk>/retirer/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path(
        "administration/invitations/<int:pk>/renvoyer/",
        views.invitation_resend,
        name="invitation_resend",
    ),
    path("administration/groupes/", views.groups, name="groups"),
    path("administration/securite/", views.security, name="security"),
    path(
        "administration/administrateurs/", views.territory_role_grant, name="territory_role_grant"
    ),
    path(
        "administration/administrateurs/<int:pk>/retirer/",
        views.territory_role_revoke,
        name="territory_role_revoke",
    ),
]

urlpatterns += [
    path("fil/", views_social.feed, name="feed"),
    path("entraide/", views_social.who_can_help, name="help"),
    path("personnes/<int:pk>/suivre/", views_social.follow_person, name="follow_person"),
    path("groupes/<slug:slug>/suivre/", views_social.follow_group, name="follow_group"),
    path("statuts/", views_social.status_create, name="status_create"),
    path("statuts/<int:pk>/", views_social.status_detail, name="status"),
    path("statuts/<int:pk>/image/", views_social.status_picture, name="status_picture"),
    path("statuts/<int:pk>/supprimer/", views_social.status_delete, name="status_delete"),
    path("statuts/<int:pk>/commenter/", views_social.status_comment, name="status_comment"),
    path("statuts/<int:pk>/merci/", views_social.status_react, name="status_react"),
    path("commentaires/<int:pk>/supprimer/", views_social.comment_delete, name="comment_delete"),
]
