"""Editing places from the members' area: the places one manages, their form, photos and
the history of every change."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.accounts.models import NetworkRole, User
from core.permissions import can, is_administrator, users_managed_by
from core.views import get_object_or_deny, require_or_deny
from geodirectory import services
from geodirectory.forms import PlaceForm
from geodirectory.models import Place, PlacePhoto, PlaceRevision
from geodirectory.permissions import places_editable_by
from geodirectory.services import place_save

PER_PAGE = 30
PHOTO_TYPES = {"image/jpeg", "image/png", "image/webp"}
PHOTO_MAX_BYTES = 5 * 1024 * 1024


class FacilitatorsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj} ({obj.email})"


def _place_form(request: HttpRequest, place: Place) -> tuple[PlaceForm, bool]:
    """The place form, plus the facilitators field for those who manage accounts."""
    form = PlaceForm(request.POST or None, instance=place)
    manages_people = is_administrator(request.user)
    if manages_people:
        candidates = users_managed_by(request.user).filter(
            is_active=True, network_role=NetworkRole.FACILITATOR
        )
        if place.pk:
            candidates = candidates | place.facilitators.all()
        form.fields["facilitators"] = FacilitatorsField(
            label=gettext_lazy("Facilitators who manage it"),
            queryset=candidates.distinct().order_by("display_name"),
            required=False,
            widget=forms.CheckboxSelectMultiple,
            initial=list(place.facilitators.all()) if place.pk else [],
        )
    return form, manages_people


@login_required
def my_places(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:100]
    places = places_editable_by(request.user).select_related("territory")
    if query:
        places = places.filter(Q(nom__icontains=query) | Q(commune__icontains=query))
    page = Paginator(places.order_by("nom", "pk"), PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "geodirectory/extranet/place_manage_list.html",
        {
            "page_obj": page,
            "places": page.object_list,
            "query": query,
            "may_create": can(request.user, "create_place"),
        },
    )


def _save(request, form, place, manages_people, creating):
    facilitators = list(form.cleaned_data["facilitators"]) if manages_people else None
    try:
        place = place_save(
            place=form.instance,
            actor=request.user,
            origin=PlaceRevision.Origin.EXTRANET,
            facilitators=facilitators,
        )
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for field, errors in error.error_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, error)
        return None
    if creating:
        messages.success(request, _("The place “%(name)s” is created.") % {"name": place.nom})
    else:
        messages.success(request, _("Your changes are saved."))
    if not place.is_located:
        messages.info(
            request,
            _("The place has no coordinates yet: it is being located from its address."),
        )
    return place


@login_required
def place_create(request: HttpRequest) -> HttpResponse:
    require_or_deny(request, "create_place")
    place = Place(date_maj=timezone.localdate(), pivot="00000000000000")
    form, manages_people = _place_form(request, place)
    if request.method == "POST" and form.is_valid():
        place.id_schema = f"maillage-{timezone.now():%Y%m%d%H%M%S%f}"
        saved = _save(request, form, place, manages_people, creating=True)
        if saved:
            return redirect("geodirectory:place_edit", pk=saved.pk)
    return render(request, "geodirectory/extranet/place_form.html", {"form": form, "place": None})


@login_required
def place_edit(request: HttpRequest, pk: int) -> HttpResponse:
    place = get_object_or_deny(request, Place.objects.select_related("territory"), "edit", pk=pk)
    form, manages_people = _place_form(request, place)
    if request.method == "POST" and form.is_valid():
        saved = _save(request, form, place, manages_people, creating=False)
        if saved:
            return redirect("geodirectory:place_edit", pk=saved.pk)
    return render(
        request,
        "geodirectory/extranet/place_form.html",
        {"form": form, "place": place, "photos": place.photos.all()},
    )


@login_required
def place_history(request: HttpRequest, pk: int) -> HttpResponse:
    place = get_object_or_deny(request, Place, "edit", pk=pk)
    revisions = place.revisions.select_related("author")
    page = Paginator(revisions, PER_PAGE).get_page(request.GET.get("page"))
    labels = {
        f.name: f.verbose_name for f in Place._meta.get_fields() if hasattr(f, "verbose_name")
    }
    entries = [
        {
            "revision": r,
            "changes": [
                {"field": labels.get(name, name), "old": old, "new": new}
                for name, (old, new) in r.changes.items()
            ],
        }
        for r in page.object_list
    ]
    return render(
        request,
        "geodirectory/extranet/place_history.html",
        {"place": place, "page_obj": page, "entries": entries},
    )


class PhotoForm(forms.ModelForm):
    class Meta:
        model = PlacePhoto
        fields = ["image", "alt_text"]

    def clean_image(self):
        image = self.cleaned_data["image"]
        if image.size > PHOTO_MAX_BYTES:
            raise forms.ValidationError(_("The photo is larger than 5 MB."))
        if getattr(image, "content_type", None) not in PHOTO_TYPES:
            raise forms.ValidationError(_("Send a JPEG, PNG or WebP picture."))
        return image


@login_required
def place_photos(request: HttpRequest, pk: int) -> HttpResponse:
    place = get_object_or_deny(request, Place, "edit", pk=pk)
    form = PhotoForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        photo = form.save(commit=False)
        photo.place = place
        photo.position = place.photos.count()
        photo.save()
        services.public_pages_changed(place)
        messages.success(request, _("The photo is added."))
        return redirect("geodirectory:place_photos", pk=place.pk)
    return render(
        request,
        "geodirectory/extranet/place_photos.html",
        {"place": place, "form": form, "photos": place.photos.all()},
    )


@login_required
@require_POST
def place_photo_delete(request: HttpRequest, pk: int, photo_pk: int) -> HttpResponse:
    place = get_object_or_deny(request, Place, "edit", pk=pk)
    photo = place.photos.filter(pk=photo_pk).first()
    if photo is not None:
        photo.image.delete(save=False)
        photo.delete()
        services.public_pages_changed(place)
        messages.success(request, _("The photo is removed."))
    return redirect("geodirectory:place_photos", pk=place.pk)
