"""The directory in the Wagtail admin, for the coordinator. Saves go through the same
service as the members' area, so every change is validated and recorded."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.views.generic.models import CreateView, EditView
from wagtail.admin.viewsets.model import ModelViewSet

from core.permissions import can
from geodirectory.models import Place, PlaceRevision
from geodirectory.services import place_save


class ServiceSaveMixin:
    def save_instance(self):
        # The coordinator is the only one who reaches the Wagtail admin's directory.
        return place_save(
            place=self.form.instance,
            actor=self.request.user,
            origin=PlaceRevision.Origin.ADMIN,
            facilitators=list(self.form.cleaned_data.get("facilitators") or []),
        )


class PlaceCreateView(ServiceSaveMixin, CreateView):
    pass


class PlaceEditView(ServiceSaveMixin, EditView):
    pass


class PlaceViewSet(ModelViewSet):
    model = Place
    icon = "site"
    menu_label = _("Places")
    menu_order = 250
    add_to_admin_menu = True
    list_display = ["nom", "commune", "code_postal", "geocoding_precision", "is_published"]
    list_filter = ["is_published", "geocoding_precision"]
    search_fields = ["nom", "commune", "code_postal"]
    add_view_class = PlaceCreateView
    edit_view_class = PlaceEditView
    exclude_form_fields = ["slug", "territory", "geocoding_error", "created_at", "updated_at"]


@hooks.register("register_admin_viewset")
def register_place_viewset():
    return PlaceViewSet("places")


@hooks.register("construct_main_menu")
def hide_places_from_non_coordinators(request, menu_items):
    if not can(request.user, "manage_network"):
        menu_items[:] = [item for item in menu_items if item.name != "places"]
