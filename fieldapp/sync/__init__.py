"""Offline-first sync: the wire protocol (shared with the server) and the device client.

Only :mod:`fieldapp.sync.protocol` is imported by the server; the client modules never
import :mod:`fieldapp.server`.
"""

__all__: list[str] = []
