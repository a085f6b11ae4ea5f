"""`Waiaas`: the client. One transport (the socket by default, REST with `base_url`), one credential (a session
token or the master password), and the contract's namespaces as attributes (`client.tx.send(...)`)."""
import hashlib
import os
import tempfile
from typing import Any, Callable, Dict, Iterator, Mapping, Optional, Tuple, Union

from ._generated import METHODS, NAMESPACES, Namespaces
from .errors import WaiaasError
from .events import MAX_WAIT_MS, Event, follow
from .transport import RestTransport, SocketTransport

#: Unix socket paths are limited to 108 bytes on Linux and 104 on macOS (the daemon's own limit).
MAX_SOCKET_PATH_BYTES = 103


def default_socket_path(data_dir: Optional[str] = None) -> str:
    """The socket the CLI would use: WAIAAS_SOCKET_PATH, else `<data dir>/waiaas.sock` (data dir: the argument,
    WAIAAS_DATA_DIR, ~/.waiaas), else, when that is too long, the daemon's per-user fallback under the temp dir."""
    env_sock = os.environ.get("WAIAAS_SOCKET_PATH")
    if env_sock:
        return os.path.abspath(env_sock)
    d = os.path.abspath(os.path.expanduser(data_dir or os.environ.get("WAIAAS_DATA_DIR") or "~/.waiaas"))
    sock = os.path.join(d, "waiaas.sock")
    if len(sock.encode("utf-8")) <= MAX_SOCKET_PATH_BYTES:
        return sock
    digest = hashlib.sha256(d.encode("utf-8")).hexdigest()[:16]
    uid = os.getuid() if hasattr(os, "getuid") else 0
    return os.path.join(tempfile.gettempdir(), "waiaas-{}".format(uid), digest + ".sock")


def _read_secret(path: str) -> str:
    with open(path, "r", encoding="utf-8") as f:
        return f.read().strip()


class Waiaas(Namespaces):
    """A client of the waiaas daemon.

    Transport: the Unix socket (default: found as the CLI finds it; `socket_path` or `data_dir` to choose) or the REST
    plugin (`base_url="http://127.0.0.1:3100"`). Credential: `token` / `token_file` (an agent session; defaults to
    WAIAAS_SESSION_TOKEN_FILE, then WAIAAS_SESSION_TOKEN) or `password` (the operator). Errors are `WaiaasError`.
    """

    def __init__(self, *, base_url: Optional[str] = None, socket_path: Optional[str] = None, data_dir: Optional[str] = None,
                 token: Optional[str] = None, token_file: Optional[str] = None, password: Optional[str] = None) -> None:
        if password is not None and (token is not None or token_file is not None):
            raise WaiaasError("INPUT_INVALID", "Give a session token or the master password, not both",
                              {"issues": [{"path": "password", "message": "given with a token"}]})
        self._auth: Dict[str, str] = {}
        if password is not None:
            self._auth["password"] = password
        else:
            tok = token
            if tok is None:
                file = token_file or os.environ.get("WAIAAS_SESSION_TOKEN_FILE")
                tok = _read_secret(file) if file else os.environ.get("WAIAAS_SESSION_TOKEN")
            if tok:
                self._auth["token"] = tok
        self._transport: Union[SocketTransport, RestTransport]
        if base_url is not None:
            self._transport = RestTransport(base_url)
        else:
            self._transport = SocketTransport(socket_path or default_socket_path(data_dir))
        for name, cls in NAMESPACES.items():
            setattr(self, name, cls(self))

    @property
    def transport(self) -> str:
        """`"socket"` or `"rest"`."""
        return "rest" if isinstance(self._transport, RestTransport) else "socket"

    def call(self, method: str, params: Optional[Mapping[str, Any]] = None) -> Any:
        """Calls one contract method by its name (`"tx.send"`) with its params as a dict."""
        entry = METHODS.get(method)
        if entry is None:
            raise WaiaasError("INPUT_INVALID", "Unknown method {!r}".format(method[:64]), {"method": method[:64]})
        if self.transport not in entry[0].split(","):
            raise WaiaasError("INPUT_INVALID", "{} is not offered over {}".format(method, self.transport),
                              {"method": method, "transports": entry[0].split(",")}, "Use the socket transport for this method")
        return self._transport.call(method, dict(params or {}), self._auth or None)

    def events(self, after: Optional[int] = None, wait_ms: int = 25000, limit: int = 100) -> Iterator[Event]:
        """The daemon's event stream, over either transport: for an agent session, its own wallets' request state
        changes and incoming transfers; for the operator, every audit entry. Starts after the audit seq `after`
        (absent: with what comes next). Each `event.wait` call waits up to `wait_ms` on the daemon, then asks again.

            for e in client.events():
                if e["target"] == req["id"] and e["action"] == "tx.confirmed":
                    break   # leaving the loop closes the stream's connection

        Raises `WaiaasError` when the session is revoked or expires (`SESSION_REVOKED`, `SESSION_EXPIRED`)."""
        if not 0 <= wait_ms <= MAX_WAIT_MS:
            raise WaiaasError("INPUT_INVALID", "wait_ms must be from 0 to {}".format(MAX_WAIT_MS),
                              {"issues": [{"path": "wait_ms", "message": "out of range"}]})
        auth = self._auth or None
        transport = self._transport

        def connect() -> Tuple[Callable[[Dict[str, Any]], Any], Callable[[], None]]:
            if isinstance(transport, SocketTransport):
                own = SocketTransport(transport.path)  # its own connection: a waiting call holds up no other
                return (lambda p: own.call("event.wait", p, auth)), own.close
            return (lambda p: transport.call("event.wait", p, auth)), (lambda: None)

        return follow(connect, after, wait_ms, limit)

    def close(self) -> None:
        self._transport.close()

    def __enter__(self) -> "Waiaas":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()
