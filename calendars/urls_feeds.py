from django.urls import path

from calendars.views import feeds

app_name = "feeds"

urlpatterns = [
    path("lieux/<slug:slug>.ics", feeds.place_feed, name="place"),
    path("flux/<str:token>.ics", feeds.private_feed, name="private"),
]
