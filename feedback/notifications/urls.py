from django.urls import path

from feedback.notifications import views

urlpatterns = [
    path("preferences/", views.preferences_view, name="notification-preferences"),
    path("unsubscribe/<str:token>/", views.unsubscribe_view, name="notification-unsubscribe"),
]
