"""The kernel's part of the demo network: accounts, local administrators, working groups,
join requests and invitations. Registered as the "network" demo loader (core.registry);
every module's demo runs after it (`manage.py load_demo`).

Idempotent: running it again restores the demo accounts (password, role, active) and adds
what is missing, without duplicating anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.management.base import CommandError
from django.utils import timezone

from core.accounts.models import NetworkRole, User
from core.accounts.services import invitation_create, user_create
from core.registry import DemoContext
from core.territories.models import Territory, TerritoryKind, TerritoryRole
from core.workspaces.models import (
    JoinPolicy,
    Membership,
    MembershipRole,
    MembershipStatus,
    Module,
    Visibility,
    Workspace,
)
from core.workspaces.services import (
    group_create,
    group_invite,
    group_request_join,
    network_workspace,
)

DEMO_PASSWORD = "maillage-demo"  # noqa: S105 - printed on purpose: these are demo accounts


@dataclass
class Person:
    key: str
    email: str
    name: str
    role: str
    territory: tuple[str, str]  # (kind, code)
    bio: str = ""
    skills: tuple[str, ...] = ()
    administers: tuple[str, str] | None = None


PEOPLE = [
    Person(
        "coordinator",
        "coordination@maillage.localhost",
        "Hélène Coordination",
        NetworkRole.COORDINATOR,
        (TerritoryKind.REGION, "27"),
        "Coordinatrice du réseau Maillage.",
        ("animation de réseau", "financements"),
    ),
    Person(
        "admin_lot",
        "admin.lot@maillage.localhost",
        "Claire Delmas",
        NetworkRole.FACILITATOR,
        (TerritoryKind.DEPARTEMENT, "46"),
        "Anime la plateforme départementale des espaces publics numériques du Lot.",
        ("e-administration", "accompagnement France Services"),
        administers=(TerritoryKind.DEPARTEMENT, "46"),
    ),
    Person(
        "admin_pma",
        "admin.montbeliard@maillage.localhost",
        "Julien Moreau",
        NetworkRole.FACILITATOR,
        (TerritoryKind.EPCI, "200065647"),
        "Coordonne les 23 EPN du Pays de Montbéliard Agglomération.",
        ("coordination", "ateliers numériques"),
        administers=(TerritoryKind.EPCI, "200065647"),
    ),
    Person(
        "montbeliard",
        "sophie.girard@maillage.localhost",
        "Sophie Girard",
        NetworkRole.FACILITATOR,
        (TerritoryKind.COMMUNE, "25388"),
        "Animatrice multimédia à l'EPN de Montbéliard.",
        ("Linux", "initiation tablette"),
    ),
    Person(
        "gourdon",
        "thomas.lacombe@maillage.localhost",
        "Thomas Lacombe",
        NetworkRole.FACILITATOR,
        (TerritoryKind.COMMUNE, "46127"),
        "Médiateur numérique à Gourdon.",
        ("démarches en ligne", "imprimantes"),
    ),
    Person(
        "saint_etienne",
        "nadia.benali@maillage.localhost",
        "Nadia Benali",
        NetworkRole.FACILITATOR,
        (TerritoryKind.COMMUNE, "42218"),
        "Anime un des 16 espaces de pratiques numériques de Saint-Étienne.",
        ("logiciels libres", "accessibilité"),
    ),
    Person(
        "bras",
        "marc.thiebaut@maillage.localhost",
        "Marc Thiébaut",
        NetworkRole.FACILITATOR,
        (TerritoryKind.COMMUNE, "55073"),
        "Fabmanager du fablab et du repair café de Bras-sur-Meuse.",
        ("fablab", "impression 3D", "réparation"),
    ),
    Person(
        "member",
        "elodie.martin@maillage.localhost",
        "Élodie Martin",
        NetworkRole.MEMBER,
        (TerritoryKind.COMMUNE, "46127"),
        "Bénévole, accompagne les habitants dans leurs démarches.",
        ("bénévolat",),
    ),
]


@dataclass
class Group:
    name: str
    description: str
    visibility: str
    join_policy: str
    owner: str
    territory: tuple[str, str] | None = None
    moderators: tuple[str, ...] = ()
    members: tuple[str, ...] = ()
    requests: tuple[str, ...] = ()
    invitations: tuple[str, ...] = ()
    modules: tuple[str, ...] = tuple(Module.values)
    archived: bool = False


GROUPS = [
    Group(
        "Logiciels libres en EPN",
        "Distributions, pilotes d'imprimantes, postes publics sous Linux : ce qui marche "
        "dans nos espaces, et comment.",
        Visibility.PUBLIC,
        JoinPolicy.OPEN,
        owner="saint_etienne",
        members=("montbeliard", "bras"),
    ),
    Group(
        "EPN du Pays de Montbéliard",
        "Les 23 espaces publics numériques de l'agglomération : planning commun des "
        "ateliers, bilans, achats groupés.",
        Visibility.NETWORK,
        JoinPolicy.REQUEST,
        owner="admin_pma",
        territory=(TerritoryKind.EPCI, "200065647"),
        moderators=("montbeliard",),
        requests=("saint_etienne",),
    ),
    Group(
        "Plateforme EPM du Lot",
        "La plateforme départementale et ses 9 points d'accès aux services publics.",
        Visibility.NETWORK,
        JoinPolicy.INVITATION,
        owner="admin_lot",
        territory=(TerritoryKind.DEPARTEMENT, "46"),
        members=("gourdon", "member"),
        invitations=("bras",),
    ),
    Group(
        "Préparation des Rencontres 2027",
        "Groupe temporaire du comité d'organisation des rencontres régionales de la "
        "médiation numérique.",
        Visibility.SECRET,
        JoinPolicy.INVITATION,
        owner="coordinator",
        moderators=("admin_lot",),
        members=("admin_pma",),
        invitations=("montbeliard",),
    ),
    Group(
        "Fablab et repair café",
        "Réparer plutôt que jeter : ateliers de réparation, impression 3D, récupération "
        "de matériel pour les EPN.",
        Visibility.PUBLIC,
        JoinPolicy.REQUEST,
        owner="bras",
        members=("gourdon",),
        requests=("member",),
    ),
    Group(
        "Bilan Pass numérique 2024",
        "Bilan du dispositif Pass numérique dans le réseau (clos).",
        Visibility.NETWORK,
        JoinPolicy.INVITATION,
        owner="coordinator",
        members=("admin_lot", "admin_pma"),
        archived=True,
    ),
]

PENDING_INVITATIONS = [
    # (email, invited by, territory, group name)
    (
        "camille.roux@exemple.fr",
        "admin_pma",
        (TerritoryKind.COMMUNE, "25388"),
        "EPN du Pays de Montbéliard",
    ),
    ("lucas.vidal@exemple.fr", "admin_lot", (TerritoryKind.DEPARTEMENT, "46"), None),
]


def territory(ref: tuple[str, str]) -> Territory:
    kind, code = ref
    try:
        return Territory.objects.get(kind=kind, code=code)
    except Territory.DoesNotExist as error:
        raise CommandError(
            f"Territory {kind} {code} is missing: run `manage.py load_territories`."
        ) from error


def load_network_demo(context: DemoContext) -> str:
    context.network = network_workspace()
    context.people.update(_people())
    _groups(context.people)
    return f"Network: {len(context.people)} demo accounts, {len(GROUPS)} working groups."


def _people() -> dict[str, User]:
    network_workspace()
    people = {}
    for p in PEOPLE:
        user = User.objects.filter(email=p.email).first()
        fields = {
            "display_name": p.name,
            "network_role": p.role,
            "home_territory": territory(p.territory),
            "bio": p.bio,
            "is_active": True,
            "is_staff": p.role == NetworkRole.COORDINATOR,
            "is_superuser": p.role == NetworkRole.COORDINATOR,
        }
        if user is None:
            user = user_create(email=p.email, password=DEMO_PASSWORD, email_verified=True, **fields)
        else:
            for name, value in fields.items():
                setattr(user, name, value)
            user.set_password(DEMO_PASSWORD)
            user.save()
        user.skills.set(list(p.skills))
        if p.administers:
            TerritoryRole.objects.get_or_create(user=user, territory=territory(p.administers))
        people[p.key] = user
    return people


def _groups(people: dict[str, User]) -> None:
    for g in GROUPS:
        group = Workspace.objects.filter(kind="group", name=g.name).first()
        owner = people[g.owner]
        if group is None:
            group = group_create(
                creator=owner,
                name=g.name,
                description=g.description,
                visibility=g.visibility,
                join_policy=g.join_policy,
                modules=g.modules,
                territory=territory(g.territory) if g.territory else None,
            )
        for key, role in [(k, MembershipRole.MODERATOR) for k in g.moderators] + [
            (k, MembershipRole.MEMBER) for k in g.members
        ]:
            Membership.objects.get_or_create(
                user=people[key],
                workspace=group,
                defaults={"role": role, "status": MembershipStatus.ACTIVE},
            )
        if not group.is_archived:
            for key in g.requests:
                if not Membership.objects.filter(user=people[key], workspace=group).exists():
                    group_request_join(
                        user=people[key],
                        group=group,
                        message="Bonjour, je souhaite participer.",
                    )
            for key in g.invitations:
                if not Membership.objects.filter(user=people[key], workspace=group).exists():
                    group_invite(actor=owner, group=group, invitee=people[key])
        if g.archived and not group.is_archived:
            group.archived_at = timezone.now() - timedelta(days=30)
            group.save(update_fields=["archived_at"])


def demo_invitations(people: dict[str, User]) -> list[tuple[str, str]]:
    """Issue fresh invitation links (earlier ones are replaced) so they can be tried."""
    links = []
    for email, by, home, group_name in PENDING_INVITATIONS:
        if User.objects.filter(email=email).exists():
            continue
        group = Workspace.objects.filter(kind="group", name=group_name).first()
        _invitation, token = invitation_create(
            actor=people[by],
            email=email,
            territory=territory(home),
            workspace=group,
            message="Bienvenue dans le réseau !",
        )
        links.append((email, settings.SITE_URL + f"/invitation/{token}/"))
    return links
