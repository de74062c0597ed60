"""Schemathesis hooks of scripts/fuzz-api.mjs: real media for the upload routes, and fresh
idempotency keys (below).

The OpenAPI document gives each file field of a multipart body its media types (`encoding`), and
the service decides a file's type from its bytes, so a part sent as video/mp4 must be an MP4 with a
readable duration. The fuzz script writes one small valid file per media type (built by
test/fixtures/media.fixture.ts) into FUZZ_MEDIA_DIR.
"""

import os
import re
import uuid
from pathlib import Path

import schemathesis
from hypothesis import strategies as st

SAMPLES = {"video/mp4": "sample.mp4", "image/jpeg": "sample.jpg", "image/png": "sample.png"}

media_dir = Path(os.environ["FUZZ_MEDIA_DIR"])
for media_type, file_name in SAMPLES.items():
    schemathesis.openapi.media_type(media_type, st.just((media_dir / file_name).read_bytes()))

# tus upload data (`PATCH /uploads/{uploadId}`, a creation's first bytes): raw bytes, whatever
# they are; what an upload holds is checked when a video is made of it.
schemathesis.openapi.media_type("application/offset+octet-stream", st.binary(max_size=256))


# Idempotency-Key (docs/api.md#idempotency-key): a client sends a new key with each new request and the same key
# only when it retries that request; the same key with another request is 422
# IDEMPOTENCY_KEY_REUSED by design. The fuzzer draws keys from a small space and would reuse them
# across bodies and operations, so each valid key it sends is made unique to its call (an invalid
# one is left as drawn, so the 400 for malformed keys is still checked). Replays, reuse and
# concurrent duplicates are covered by test/idempotency/idempotency-key.e2e-spec.ts.
IDEMPOTENCY_KEY = "Idempotency-Key"
VALID_KEY = re.compile(r"[!-~]{1,128}")


@schemathesis.hook
def before_call(ctx, case, kwargs):
    key = (case.headers or {}).get(IDEMPOTENCY_KEY)
    if isinstance(key, str) and VALID_KEY.fullmatch(key):
        case.headers[IDEMPOTENCY_KEY] = f"{key[:91]}-{uuid.uuid4()}"
