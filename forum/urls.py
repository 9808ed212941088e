from django.urls import path

from forum import views

app_name = "forum"

urlpatterns = [
    path("", views.index, name="index"),
    path("recherche/", views.search, name="search"),
    path("similaires/", views.similar, name="similar"),
    path("mentions/", views.mention_suggestions, name="mentions"),
    path("signalements/", views.reports, name="reports"),
    path("signalements/<int:pk>/classer/", views.report_dismiss, name="report_dismiss"),
    path("categories/<int:pk>/", views.category_detail, name="category"),
    path("categories/<int:pk>/nouveau-sujet/", views.topic_create, name="topic_create"),
    path("categories/<int:pk>/suivre/", views.follow_category, name="follow_category"),
    path("categories/<int:pk>/modifier/", views.category_edit, name="category_edit"),
    path("espaces/<slug:slug>/", views.workspace_forum, name="workspace"),
    path("espaces/<slug:slug>/categories/", views.categories_manage, name="categories_manage"),
    path("espaces/<slug:slug>/journal/", views.moderation_log, name="moderation_log"),
    path("sujets/<int:pk>/", views.topic_detail, name="topic"),
    path("sujets/<int:pk>/premier-non-lu/", views.first_unread, name="first_unread"),
    path("sujets/<int:pk>/repondre/", views.reply, name="reply"),
    path("sujets/<int:pk>/solution/", views.accept_solution, name="accept_solution"),
    path("sujets/<int:pk>/suivre/", views.follow_topic, name="follow_topic"),
    path("sujets/<int:pk>/moderer/", views.moderate_topic, name="moderate_topic"),
    path("messages/<int:pk>/", views.post_redirect, name="post"),
    path("messages/<int:pk>/modifier/", views.post_edit, name="post_edit"),
    path("messages/<int:pk>/supprimer/", views.post_delete, name="post_delete"),
    path("messages/<int:pk>/utile/", views.react, name="react"),
    path("messages/<int:pk>/signaler/", views.report, name="report"),
    path("messages/<int:pk>/historique/", views.post_history, name="post_history"),
    path("messages/<int:pk>/masquer/", views.moderate_post, name="moderate_post"),
    path("etiquettes/<str:slug>/", views.tag_detail, name="tag"),
    path("etiquettes/<str:slug>/suivre/", views.follow_tag, name="follow_tag"),
    path("pieces-jointes/<int:pk>/<str:name>", views.attachment, name="attachment"),
]
