"""Every use of Whoosh's private API, behind one wall.

Only the modules of this package may import or touch a private Whoosh name (an attribute
or module-level name starting with ``_``, or a class Whoosh does not document for use
outside itself). Each use is checked before it is relied on, and falls back to Whoosh's
public API or fails with a clear error:

- `codec`: posting blocks as typed arrays (`ArrayCodec`, a Whoosh codec);
- `buffers`: searchers that read compound segments in place (no process-wide patch);
- `columns`: whole columns and field lengths read at once;
- `postings`: a term's posting blocks read straight from the block matcher;
- `segments`: one segment per build worker, committed together.
"""
