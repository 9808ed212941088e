from django.urls import path

from core.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("tout-lu/", views.notification_mark_all_read, name="mark_all_read"),
    path("preferences/", views.email_preferences, name="preferences"),
    path("desabonnement/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("<int:pk>/ouvrir/", views.notification_open, name="open"),
    path("<int:pk>/lu/", views.notification_mark_read, name="mark_read"),
]
