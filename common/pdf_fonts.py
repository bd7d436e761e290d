"""The CJK font of the PDFs that leave the company (quotes, bids, contract registers).

A TrueType CJK font embedded in the file (reportlab embeds the subset it uses): the first of
settings.PDF_CJK_FONT and the Debian fonts below that exists (fonts-wqy-microhei, which .ci/run
and the Dockerfile install, fonts-wqy-zenhei, fonts-arphic-uming, fonts-droid-fallback).
reportlab cannot embed the PostScript-outline Noto CJK fonts, so where none of these is
installed the PDFs fall back to the built-in CID font STSong-Light (as deals/pdf.py), which
readers supply themselves."""

from pathlib import Path

from django.conf import settings
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFError, TTFont

EMBEDDED = "OfficeCJK"
FALLBACK = "STSong-Light"
CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
)


def cjk_font_path() -> str | None:
    """The TrueType CJK font to embed, or None when none is installed."""
    configured = getattr(settings, "PDF_CJK_FONT", "")
    for path in (configured, *CANDIDATES):
        if path and Path(path).is_file():
            return path
    return None


def cjk_font() -> str:
    """The registered name of the font to draw Chinese with."""
    registered = pdfmetrics.getRegisteredFontNames()
    if EMBEDDED in registered:
        return EMBEDDED
    path = cjk_font_path()
    if path:
        try:
            pdfmetrics.registerFont(TTFont(EMBEDDED, path, subfontIndex=0))
            return EMBEDDED
        except TTFError:
            pass
    if FALLBACK not in registered:
        pdfmetrics.registerFont(UnicodeCIDFont(FALLBACK))
    return FALLBACK
