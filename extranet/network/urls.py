from django.urls import path

from extranet.network import views

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
