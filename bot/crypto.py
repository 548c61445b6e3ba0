"""Optional encryption at rest for stored answers (Fernet from `cryptography`).

With COACHBOT_ENCRYPTION_KEY set, every stored session and kept answer is sealed with it;
COACHBOT_ENCRYPTION_OLD_KEYS (comma-separated) still open data sealed with earlier keys, and
every save seals with the newest key, so rotating is: add the new key, move the old one to
OLD_KEYS, and drop it once the retention period has passed (see SECURITY.md).
"""

from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken, MultiFernet


class SealError(ValueError):
    """Stored data that cannot be opened with the configured keys."""


class Sealer:
    """Seals text for storage; without keys it stores plain JSON (the default)."""

    def __init__(self, key: str | None = None, old_keys: tuple[str, ...] = ()) -> None:
        keys = [k for k in (key, *old_keys) if k]
        if old_keys and not key:
            raise ValueError("COACHBOT_ENCRYPTION_OLD_KEYS needs COACHBOT_ENCRYPTION_KEY too")
        try:
            self._fernet = MultiFernet([Fernet(k.encode()) for k in keys]) if keys else None
        except ValueError as error:
            raise ValueError(
                "COACHBOT_ENCRYPTION_KEY (or an old key) is not a Fernet key — make one with: "
                "python -c 'from cryptography.fernet import Fernet; "
                "print(Fernet.generate_key().decode())'") from error

    def seal(self, text: str) -> str:
        if self._fernet is None:
            return text
        return self._fernet.encrypt(text.encode()).decode("ascii")

    def open(self, stored: str) -> str:
        """Plain JSON is read as it is (written before a key was set); sealed data needs a key."""
        if stored.startswith("{"):
            return stored
        if self._fernet is None:
            raise SealError("sealed data, and no COACHBOT_ENCRYPTION_KEY is set")
        try:
            return self._fernet.decrypt(stored.encode()).decode()
        except InvalidToken as error:
            raise SealError("sealed with a key that is not configured") from error
