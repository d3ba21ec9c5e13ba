"""The authentication backend: Django's ModelBackend, refusing locked accounts."""

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.utils import timezone


class LockoutAwareModelBackend(ModelBackend):
    """Refuse a locked account to every caller of ``authenticate()``, not only to the login service.

    The login service (``org/services.py: login_authenticate``) counts, audits and answers; this check
    is what keeps any other path — the admin's own login form, a future view, a script — from letting a
    locked account in with the right password.
    """

    def user_can_authenticate(self, user: Any) -> bool:
        return super().user_can_authenticate(user) and not user.is_locked(at=timezone.now())

    # A lock stops new logins only. A session opened before it stays valid (ModelBackend would drop it,
    # as it calls user_can_authenticate here too): otherwise a few guesses from a handful of addresses
    # would log anyone out. Ending a session is deactivating the account.
    def get_user(self, user_id: Any) -> Any:
        user_model = get_user_model()
        try:
            user = user_model._default_manager.get(pk=user_id)
        except user_model.DoesNotExist:
            return None
        return user if ModelBackend.user_can_authenticate(self, user) else None

    async def aget_user(self, user_id: Any) -> Any:
        user_model = get_user_model()
        try:
            user = await user_model._default_manager.aget(pk=user_id)
        except user_model.DoesNotExist:
            return None
        return user if ModelBackend.user_can_authenticate(self, user) else None
