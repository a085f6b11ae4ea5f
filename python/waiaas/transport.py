"""The two ways to reach the daemon: its Unix socket (newline-delimited JSON-RPC 2.0, `system.hello` first) and the
REST plugin (`POST /v1/<topic>/<verb>`, answers `{"ok": true, "data": ...}` or `{"ok": false, "error": {...}}`)."""
import json
import socket
import threading
import urllib.error
import urllib.request
from typing import Any, Dict, Optional

from ._generated import PROTOCOL_VERSION
from .errors import WaiaasError

VERSION = "0.1.0"
#: Responses may be larger than requests (listings), never unbounded; the CLI's limit.
MAX_RESPONSE_BYTES = 16 * 1024 * 1024
#: Seconds a call may take beyond the wait it asks for (`tx.wait`'s `timeoutMs`, `event.wait`'s `waitMs`).
CALL_SLACK_S = 30.0


def _call_timeout(params: Dict[str, Any]) -> float:
    ms = params.get("timeoutMs", params.get("waitMs"))
    return CALL_SLACK_S + (ms / 1000.0 if isinstance(ms, (int, float)) else 30.0)


class SocketTransport:
    """One connection to the daemon's socket, greeted with `system.hello`; calls are serialised by a lock."""

    def __init__(self, path: str, connect_timeout: float = 2.0) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._next_id = 1
        self._buf = b""
        self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._sock.settimeout(connect_timeout)
        try:
            self._sock.connect(path)
        except OSError as e:
            self._sock.close()
            raise WaiaasError("DAEMON_UNREACHABLE", "Cannot reach the daemon at {}".format(path),
                              {"socket": path, "errno": e.errno}) from None
        self.hello = self.call("system.hello", {"protocol": PROTOCOL_VERSION, "version": VERSION, "client": "waiaas-python"}, None)

    def call(self, method: str, params: Dict[str, Any], auth: Optional[Dict[str, str]]) -> Any:
        with self._lock:
            req_id = self._next_id
            self._next_id += 1
            req: Dict[str, Any] = {"jsonrpc": "2.0", "id": req_id, "method": method, "params": params}
            if auth:
                req["auth"] = auth
            self._sock.settimeout(_call_timeout(params))
            try:
                self._sock.sendall((json.dumps(req, separators=(",", ":")) + "\n").encode("utf-8"))
                while True:
                    msg = self._read_frame()
                    if msg.get("id") == req_id or (msg.get("id") is None and "error" in msg):
                        break
            except OSError as e:
                raise WaiaasError("DAEMON_UNREACHABLE", "The connection to the daemon failed", {"socket": self.path, "errno": e.errno}) from None
        if "error" in msg:
            err = msg["error"] if isinstance(msg["error"], dict) else {}
            raise WaiaasError.from_payload(err.get("data") or {"message": err.get("message", "Daemon error")})
        return msg.get("result")

    def _read_frame(self) -> Dict[str, Any]:
        while b"\n" not in self._buf:
            if len(self._buf) > MAX_RESPONSE_BYTES:
                raise WaiaasError("DAEMON_PROTOCOL_ERROR", "Unexpected answer from the daemon: response frame too large")
            chunk = self._sock.recv(65536)
            if not chunk:
                raise WaiaasError("DAEMON_UNREACHABLE", "The daemon closed the connection", {"socket": self.path})
            self._buf += chunk
        line, self._buf = self._buf.split(b"\n", 1)
        try:
            msg = json.loads(line.decode("utf-8"))
        except ValueError:
            raise WaiaasError("DAEMON_PROTOCOL_ERROR", "Unexpected answer from the daemon: response is not JSON") from None
        if not isinstance(msg, dict):
            raise WaiaasError("DAEMON_PROTOCOL_ERROR", "Unexpected answer from the daemon: response is not an object")
        return msg

    def close(self) -> None:
        self._sock.close()


class RestTransport:
    """The REST plugin at `base_url` (e.g. `http://127.0.0.1:3100`): every method is `POST /v1/<topic>/<verb>`."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url.rstrip("/")
        if self.base_url.endswith("/v1"):
            self.base_url = self.base_url[:-3]

    def call(self, method: str, params: Dict[str, Any], auth: Optional[Dict[str, str]]) -> Any:
        headers = {"content-type": "application/json", "accept": "application/json", "user-agent": "waiaas-python/" + VERSION}
        if auth and "token" in auth:
            headers["authorization"] = "Bearer " + auth["token"]
        if auth and "password" in auth:
            headers["x-master-password"] = auth["password"]
        url = "{}/v1/{}".format(self.base_url, method.replace(".", "/"))
        req = urllib.request.Request(url, data=json.dumps(params).encode("utf-8"), headers=headers, method="POST")
        try:
            with urllib.request.urlopen(req, timeout=_call_timeout(params)) as res:
                body = res.read(MAX_RESPONSE_BYTES + 1)
        except urllib.error.HTTPError as e:
            body = e.read(MAX_RESPONSE_BYTES + 1)
        except (urllib.error.URLError, OSError) as e:
            reason = getattr(e, "reason", e)
            raise WaiaasError("DAEMON_UNREACHABLE", "Cannot reach the daemon at {}".format(self.base_url),
                              {"url": self.base_url, "errno": getattr(reason, "errno", None)}) from None
        try:
            doc = json.loads(body.decode("utf-8"))
        except ValueError:
            raise WaiaasError("DAEMON_PROTOCOL_ERROR", "Unexpected answer from the daemon: response is not JSON") from None
        if not isinstance(doc, dict):
            raise WaiaasError("DAEMON_PROTOCOL_ERROR", "Unexpected answer from the daemon: response is not an object")
        if doc.get("ok") is True:
            return doc.get("data")
        raise WaiaasError.from_payload(doc.get("error") if isinstance(doc.get("error"), dict) else None)

    def close(self) -> None:
        pass
