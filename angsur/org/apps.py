from typing import Any

from django.apps import AppConfig

# Saving only these fields does not change what a bearer token authenticates to.
_LOGIN_BOOKKEEPING = frozenset({"last_login", "failed_login_count", "locked_until"})


def _cannot_change_a_token_user(created: bool = False, update_fields: Any = None, **kwargs: Any) -> bool:
    # A new row changes no cached token → user; nor does login bookkeeping.
    return created or (update_fields is not None and set(update_fields) <= _LOGIN_BOOKKEEPING)


class OrgConfig(AppConfig):
    name = "angsur.org"
    label = "org"

    def ready(self) -> None:
        from angsur.caching import invalidate_on_change

        models = [self.get_model(name) for name in ("Company", "Branch", "User", "ApiToken")]
        invalidate_on_change("auth", models, ignore=_cannot_change_a_token_user)
