"""Small values the browser carries but may neither read nor change: AES-GCM with a key
derived from ``DASHBOARD_SECRET_KEY`` and a purpose, and an expiry inside the seal.

Used for the single sign-on hand-over (state, nonce, PKCE verifier) between leaving for
the provider and coming back, so no table row is needed for a sign-in that never returns.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import time

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM


def _key(secret: str, purpose: str) -> bytes:
    return hashlib.sha256(f"{purpose}\x00{secret}".encode()).digest()


def seal(data: dict, secret: str, purpose: str, max_age_seconds: int) -> str:
    nonce = os.urandom(12)
    body = json.dumps({"d": data, "e": int(time.time()) + max_age_seconds}).encode()
    sealed = AESGCM(_key(secret, purpose)).encrypt(nonce, body, purpose.encode())
    return base64.urlsafe_b64encode(nonce + sealed).decode().rstrip("=")


def unseal(value: str | None, secret: str, purpose: str) -> dict | None:
    """The data, or None when the value is missing, altered, for another purpose or expired."""
    if not value:
        return None
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
        body = json.loads(AESGCM(_key(secret, purpose)).decrypt(raw[:12], raw[12:],
                                                                 purpose.encode()))
    except (InvalidTag, ValueError, TypeError):
        return None
    if not isinstance(body, dict) or not isinstance(body.get("d"), dict):
        return None
    if not isinstance(body.get("e"), int) or body["e"] < time.time():
        return None
    return body["d"]
