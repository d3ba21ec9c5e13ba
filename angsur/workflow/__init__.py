"""The shared workflow engine (angsur.workflow.engine): transition tables with guards, locks, audited transitions.

Import from ``angsur.workflow.engine``: this package is also a Django app (for its command), and its
``__init__`` must not import models before the app registry is ready.
"""
