"""The self-check page (`jxcheck serve`): `app.py` (routes, token, headers), `uploads.py` (streamed
multipart with limits), `batches.py` (checks in the background, downloads)."""

from __future__ import annotations

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
TOKEN_ENV = "JXCHECK_TOKEN"
