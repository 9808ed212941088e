"""Workshops in Chromium: someone finds a workshop from a place page and books a seat
without an account; the place's facilitator then marks who came."""

from __future__ import annotations

import re
from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from calendars.models import Attendance, Registration, RegistrationStatus
from tests.browser.conftest import sign_in
from tests.calendars.factories import make_workshop
from tests.factories import PASSWORD, PlaceFactory, UserFactory


def test_the_public_finds_a_workshop_from_a_place_page_and_registers(new_page, mail_dir):
    place = PlaceFactory(nom="EPN des Fougères", slug="epn-des-fougeres")
    make_workshop(place, title="Premiers pas sur tablette", capacity=2)
    page = new_page()
    page.goto("/lieux/epn-des-fougeres/")
    workshops = page.get_by_role("region", name="Prochains ateliers")
    workshops.get_by_role("link", name="Premiers pas sur tablette").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Premiers pas sur tablette")
    expect(page.get_by_text("2 places restantes")).to_be_visible()

    page.get_by_label("Votre nom").fill("Camille Martin")
    page.get_by_label("Votre adresse e-mail").fill("camille@exemple.fr")
    page.get_by_role("button", name="Réserver ma place").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Votre inscription")
    expect(page.get_by_text("Votre place est réservée.").first).to_be_visible()
    registration = Registration.objects.get()
    assert registration.status == RegistrationStatus.CONFIRMED
    assert registration.name == "Camille Martin"
    # The confirmation e-mail carries the link to this very page.
    sent = "".join(p.read_text() for p in mail_dir.iterdir())
    assert "camille@exemple.fr" in sent and registration.token in sent


def test_a_facilitator_marks_attendance(new_page):
    place = PlaceFactory(nom="EPN des Fougères")
    facilitator = UserFactory(email="nadia@exemple.fr", display_name="Nadia")
    place.facilitators.add(facilitator)
    started = timezone.now() - timedelta(minutes=30)
    workshop = make_workshop(place, title="Démarches en ligne", starts=[started])
    came = Registration.objects.create(
        workshop=workshop, name="Marcel Dupont", phone="0381000000", status="confirmed"
    )
    Registration.objects.create(
        workshop=workshop, name="Yvette Roux", email="yvette@exemple.fr", status="confirmed"
    )
    page = new_page()
    sign_in(page, "nadia@exemple.fr", PASSWORD)
    page.goto(f"/espace/ateliers/{workshop.pk}/")
    page.get_by_role("link", name="Noter les présences").click()
    page.get_by_label("Marcel Dupont").check()
    page.get_by_role("button", name="Enregistrer les présences").click()
    expect(page.get_by_text(re.compile("1 présent sur 2"))).to_be_visible()
    marks = dict(Attendance.objects.values_list("registration__name", "present"))
    assert marks == {"Marcel Dupont": True, "Yvette Roux": False}
    assert came.attendances.get().marked_by == facilitator
