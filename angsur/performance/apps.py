from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PerformanceConfig(AppConfig):
    name = "angsur.performance"
    label = "performance"
    verbose_name = _("Performance")

    def ready(self) -> None:
        from angsur.performance import workflow  # noqa: F401  (registers the statement workflow)

        # The end-of-day calls this after each close, so the month's portfolio cells follow the day closed.
        try:
            from angsur.servicing.eod import register_after_close
        except ImportError:  # the end-of-day engine is not there yet: cells are filled by `angsur performance-refresh`
            return
        from angsur.performance.services import after_close

        register_after_close(after_close)
