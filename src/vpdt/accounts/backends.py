from django.contrib.auth.backends import ModelBackend


class StatusAwareBackend(ModelBackend):
    """Authenticates locked or revoked accounts too, so the login form can say *why* the account
    cannot enter (only after the correct password). Sessions of non-active accounts end at once."""

    def user_can_authenticate(self, user):
        return True

    def get_user(self, user_id):
        user = super().get_user(user_id)
        if user is not None and not user.is_active:
            return None
        return user
