from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save

# Saving only these fields does not change what a bearer token authenticates to.
_LOGIN_BOOKKEEPING = frozenset({"last_login", "failed_login_count", "locked_until"})


def _invalidate_auth(sender: Any, update_fields: Any = None, created: bool = False, **kwargs: Any) -> None:
    from angsur.caching import invalidate

    if created:  # a new row changes no cached token → user
        return
    if update_fields is not None and set(update_fields) <= _LOGIN_BOOKKEEPING:
        return
    invalidate("auth")


class OrgConfig(AppConfig):
    name = "angsur.org"
    label = "org"

    def ready(self) -> None:
        for model_name in ("Company", "Branch", "User", "ApiToken"):
            model = self.get_model(model_name)
            post_save.connect(_invalidate_auth, sender=model, dispatch_uid=f"angsur.auth.save.{model_name}")
            post_delete.connect(_invalidate_auth, sender=model, dispatch_uid=f"angsur.auth.delete.{model_name}")
