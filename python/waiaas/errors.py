"""The one exception type of the SDK, rebuilt from the daemon's error payload (`code`, `message`, `details`, `hint`)."""
from typing import Any, Dict, Mapping, Optional

from ._generated import ERROR_CODES


class WaiaasError(Exception):
    """An error answered by the daemon, or met on the way to it (`DAEMON_UNREACHABLE`, `DAEMON_PROTOCOL_ERROR`).

    `code` is one of `ERROR_CODES` (an unknown code becomes `INTERNAL`), `details` never holds a secret and `hint`
    says what to do next.
    """

    def __init__(self, code: str, message: str, details: Optional[Dict[str, Any]] = None, hint: str = "") -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.details: Dict[str, Any] = details or {}
        self.hint = hint

    def __str__(self) -> str:
        return "{}: {}".format(self.code, self.message)

    @classmethod
    def from_payload(cls, payload: Optional[Mapping[str, Any]]) -> "WaiaasError":
        p = payload or {}
        code = p.get("code")
        details = p.get("details")
        hint = p.get("hint")
        return cls(
            code if isinstance(code, str) and code in ERROR_CODES else "INTERNAL",
            p.get("message") if isinstance(p.get("message"), str) else "Unknown error",
            details if isinstance(details, dict) else {},
            hint if isinstance(hint, str) else "",
        )
