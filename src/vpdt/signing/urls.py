from django.urls import include, path

app_name = "signing"

urlpatterns = [
    path("", include("vpdt.signing.admin_urls")),
    path("phien/", include("vpdt.signing.session_urls")),
    path("kiem-tra/", include("vpdt.signing.verification_urls")),
]
