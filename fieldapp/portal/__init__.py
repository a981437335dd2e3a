"""QR codes to the national public-service portal, printable posters and enrolment links.

- :mod:`.links` — portal URLs from the configurable templates in ``data/portal.json``.
- :mod:`.qr` — scannable QR images (error correction H, wide quiet zone).
- :mod:`.poster` — A4 PDF / PNG posters for a village notice board.
- :mod:`.enrol_link` — the device-enrolment link and its QR code.
"""

from fieldapp.portal.errors import PortalError
from fieldapp.portal.links import PortalLink, portal_link, procedure_link, search_links
from fieldapp.portal.qr import qr_image, qr_png

__all__ = [
    "PortalError",
    "PortalLink",
    "portal_link",
    "procedure_link",
    "qr_image",
    "qr_png",
    "search_links",
]
