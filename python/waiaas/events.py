"""The daemon's event stream as a generator (`client.events()`): the next events after a cursor, asked for again and
again with `event.wait`, which waits on the daemon until there is one (no polling from here). Over the socket it runs on
a connection of its own, so a waiting call holds up no other; leaving the loop (or `close()` on the generator) closes
it. An agent session sees its own wallets' request state changes and incoming transfers; the operator every audit
entry. A revoked or expired session ends the loop with `WaiaasError` (`SESSION_REVOKED`, `SESSION_EXPIRED`)."""
from typing import Any, Callable, Dict, Iterator, Optional, Tuple, TypedDict

EventBase = TypedDict("EventBase", {
    "seq": int,
    "ts": str,
    "actor": str,
    "action": str,
    "target": Optional[str],
    "outcome": str,
    "details": Dict[str, Any],
})


class Event(EventBase, total=False):
    """One event (an audit entry). `hash`: the operator's view; `wallet`: the wallet id a session's event concerns."""

    hash: str
    wallet: str


#: The longest one `event.wait` call may wait on the daemon (the contract's limit).
MAX_WAIT_MS = 30000


def follow(connect: Callable[[], Tuple[Callable[[Dict[str, Any]], Any], Callable[[], None]]], after: Optional[int],
           wait_ms: int, limit: int) -> Iterator[Event]:
    """Yields events for ever, carrying the cursor from one `event.wait` answer to the next call. `connect` (run at the
    first `next()`) gives the call and what closes it, which runs when the loop ends."""
    call, close = connect()
    try:
        while True:
            params: Dict[str, Any] = {"waitMs": wait_ms, "limit": limit}
            if after is not None:
                params["after"] = after
            page = call(params)
            after = page["cursor"]
            for e in page["events"]:
                yield e
    finally:
        close()
