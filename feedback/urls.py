from django.urls import path

from feedback import (
    views,
    views_attachments,
    views_comments,
    views_follow,
    views_releases,
    views_similar,
    views_surveys,
)

urlpatterns = [
    path("releases/", views_releases.release_list_view, name="release-list"),
    path("releases/feed.atom", views_releases.ReleaseNotesFeed(), name="release-feed"),
    path("releases/<slug:slug>/", views_releases.release_detail_view, name="release-detail"),
    path("", views.item_list_view, name="home"),
    path("surveys/<str:token>/", views_surveys.survey_answer_view, name="survey-answer"),
    path("items/new/", views.item_submit_view, name="item-submit"),
    path("items/confirm/<str:token>/", views.item_confirm_view, name="item-confirm"),
    # Before items/<key>/, which would otherwise take "similar" for a key.
    path("items/similar/", views_similar.item_similar_view, name="item-similar"),
    path("items/<str:key>/", views.item_detail_view, name="item-detail"),
    path("items/<str:key>/affected/", views_similar.item_affected_view, name="item-affected"),
    path("items/<str:key>/vote/", views.item_vote_view, name="item-vote"),
    path("items/<str:key>/unvote/", views.item_unvote_view, name="item-unvote"),
    path("items/<str:key>/follow/", views_follow.item_follow_view, name="item-follow"),
    path("items/<str:key>/unfollow/", views_follow.item_unfollow_view, name="item-unfollow"),
    path(
        "items/<str:key>/vote-for-customer/",
        views_follow.item_vote_for_customer_view,
        name="item-vote-for-customer",
    ),
    path("items/<str:key>/comments/", views_comments.comment_post_view, name="comment-post"),
    path(
        "items/<str:key>/comments/<int:comment_id>/edit/",
        views_comments.comment_edit_view,
        name="comment-edit",
    ),
    path(
        "items/<str:key>/comments/<int:comment_id>/delete/",
        views_comments.comment_delete_view,
        name="comment-delete",
    ),
    path(
        "items/<str:key>/attachments/",
        views_attachments.item_attachments_add_view,
        name="item-attachments-add",
    ),
    path(
        "items/<str:key>/attachments/<int:pk>/",
        views_attachments.item_attachment_view,
        name="item-attachment",
    ),
    path(
        "items/<str:key>/attachments/<int:pk>/thumbnail/",
        views_attachments.item_attachment_thumbnail_view,
        name="item-attachment-thumbnail",
    ),
]
