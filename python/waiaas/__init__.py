"""waiaas: a client of the waiaas wallet daemon over its Unix socket or its REST plugin (standard library only)."""
from ._generated import ERROR_CODES, METHODS, PROTOCOL_VERSION
from .client import Waiaas, default_socket_path
from .errors import WaiaasError
from .events import Event
from .transport import VERSION as __version__

__all__ = ["Waiaas", "WaiaasError", "Event", "ERROR_CODES", "METHODS", "PROTOCOL_VERSION", "default_socket_path", "__version__"]
