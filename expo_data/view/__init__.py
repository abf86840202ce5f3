"""`expo-data view`: `page` builds one self-contained HTML page of a round's samples from `page.html` and
`page.js` (text set through textContent only)."""

from .. import lazy_exports

__getattr__, __all__ = lazy_exports(__name__, {"write_view": "page"})
