"""JSON that is safe inside HTML: the one escape for the JSON API and the page's JSON-LD.

The HTML parser ends a <script> at the first "</script" whatever the JSON means, and a
response sniffed as HTML could carry markup: escaping these characters (and the JavaScript
line separators) keeps the same JSON values while no raw '<', '>' or '&' is ever sent.

    >>> script_safe('{"t": "</script>"}')
    '{"t": "\\u003c/script\\u003e"}'
"""

from __future__ import annotations

_SCRIPT_ESCAPES = {
    ord("<"): "\\u003c",
    ord(">"): "\\u003e",
    ord("&"): "\\u0026",
    0x2028: "\\u2028",
    0x2029: "\\u2029",
}


def script_safe(json_text: str) -> str:
    """Serialised JSON with '<', '>', '&', U+2028 and U+2029 written as escapes."""
    return json_text.translate(_SCRIPT_ESCAPES)
