"""Schemathesis hooks of scripts/fuzz-api.mjs: real media for the upload routes.

The OpenAPI document gives each file field of a multipart body its media types (`encoding`), and
the service decides a file's type from its bytes, so a part sent as video/mp4 must be an MP4 with a
readable duration. The fuzz script writes one small valid file per media type (built by
test/fixtures/media.fixture.ts) into FUZZ_MEDIA_DIR.
"""

import os
from pathlib import Path

import schemathesis
from hypothesis import strategies as st

SAMPLES = {"video/mp4": "sample.mp4", "image/jpeg": "sample.jpg", "image/png": "sample.png"}

media_dir = Path(os.environ["FUZZ_MEDIA_DIR"])
for media_type, file_name in SAMPLES.items():
    schemathesis.openapi.media_type(media_type, st.just((media_dir / file_name).read_bytes()))
