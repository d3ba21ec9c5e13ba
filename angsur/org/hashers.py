"""Password hashing with Argon2id at the OWASP password-storage parameters.

Django's defaults (102,400 KiB, 2 passes, 8 lanes) take ~100 MB and ~160 ms per check: twenty
field staff logging in at 8 a.m. would need ~2 GB on one server. OWASP's Password Storage Cheat
Sheet gives Argon2id with 19 MiB, 2 iterations and parallelism 1 as an equivalent minimum. The
algorithm name stays "argon2", so existing hashes verify with this hasher, and Django re-hashes a
password at the new parameters when its owner next logs in (``must_update``).
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class OwaspArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2id, 19 MiB, 2 iterations, 1 lane (about 19 MB of memory per login)."""

    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
