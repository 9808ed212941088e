"""France's administrative division: région → département → EPCI → commune.

Each row carries the codes of the levels above it (`region_code`, `departement_code`,
`epci_code`), so "everything inside this territory" is one indexed equality, whatever the
level, and an EPCI that straddles two départements does not break the tree: its communes
still belong to their own département.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class TerritoryKind(models.TextChoices):
    REGION = "region", _("Region")
    DEPARTEMENT = "departement", _("Département")
    EPCI = "epci", _("EPCI (intercommunality)")
    COMMUNE = "commune", _("Commune")


# The field of a territory row that holds the code of an enclosing territory of each kind.
SCOPE_FIELD = {
    TerritoryKind.REGION: "region_code",
    TerritoryKind.DEPARTEMENT: "departement_code",
    TerritoryKind.EPCI: "epci_code",
}


class Territory(models.Model):
    kind = models.CharField(_("kind"), max_length=16, choices=TerritoryKind.choices)
    # INSEE code for régions, départements and communes; SIREN for EPCI.
    code = models.CharField(_("code"), max_length=9)
    name = models.CharField(_("name"), max_length=200)
    # Lower-case, accents and punctuation removed: what commune search matches against.
    search_name = models.CharField(max_length=200, db_index=True, editable=False)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent"),
    )
    region_code = models.CharField(max_length=3, blank=True, db_index=True)
    departement_code = models.CharField(max_length=3, blank=True, db_index=True)
    epci_code = models.CharField(max_length=9, blank=True, db_index=True)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)

    class Meta:
        verbose_name = _("territory")
        verbose_name_plural = _("territories")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "code"], name="territory_kind_code_unique")
        ]
        indexes = [models.Index(fields=["kind", "search_name"])]

    def __str__(self) -> str:
        if self.kind == TerritoryKind.COMMUNE and self.departement_code:
            return f"{self.name} ({self.departement_code})"
        return self.name

    @property
    def label(self) -> str:
        return f"{self.name} — {self.get_kind_display()}"

    def scope_q(self, prefix: str = "") -> Q:
        """A filter selecting this territory and every territory inside it.

        `prefix` is the path from the queried model to a Territory, e.g.
        `Workspace.objects.filter(territory.scope_q("territory__"))`.
        """
        own = Q(**{f"{prefix}pk": self.pk}) if prefix else Q(pk=self.pk)
        field = SCOPE_FIELD.get(self.kind)
        if field is None:
            return own
        return own | Q(**{f"{prefix}{field}": self.code})

    def contains(self, other: Territory | None) -> bool:
        """Whether `other` is this territory or lies inside it."""
        if other is None:
            return False
        if other.pk == self.pk:
            return True
        field = SCOPE_FIELD.get(self.kind)
        return field is not None and getattr(other, field) == self.code


class PostalCode(models.Model):
    """A postcode of a commune (a commune may have several, a postcode several communes)."""

    code = models.CharField(_("postcode"), max_length=5, db_index=True)
    commune = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="postal_codes")

    class Meta:
        verbose_name = _("postcode")
        verbose_name_plural = _("postcodes")
        constraints = [
            models.UniqueConstraint(fields=["code", "commune"], name="postalcode_unique")
        ]

    def __str__(self) -> str:
        return self.code


class TerritoryRole(models.Model):
    """A local administrator of a territory, and so of every territory inside it."""

    class Role(models.TextChoices):
        ADMIN = "admin", _("Local administrator")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="territory_roles"
    )
    territory = models.ForeignKey(
        Territory, on_delete=models.PROTECT, related_name="roles", verbose_name=_("territory")
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.ADMIN)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("territory role")
        verbose_name_plural = _("territory roles")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "territory", "role"], name="territoryrole_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.territory}"
