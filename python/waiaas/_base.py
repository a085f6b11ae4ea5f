"""The base of the generated namespace classes: each method forwards to the client's one `call`."""
from typing import Any, Dict, Mapping, Optional


class Namespace:
    """A group of methods (`client.tx`, `client.wallet`, ...) sharing the client's transport and credential."""

    def __init__(self, client: Any) -> None:
        self._client = client

    def _call(self, method: str, params: Optional[Mapping[str, Any]], fields: Dict[str, Any]) -> Any:
        merged: Dict[str, Any] = dict(params or {})
        merged.update(fields)
        return self._client.call(method, merged)
