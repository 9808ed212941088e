from django.http import HttpResponse
from django.urls import path

app_name = "registry_module"

urlpatterns = [path("", lambda request: HttpResponse("essai"), name="index")]
