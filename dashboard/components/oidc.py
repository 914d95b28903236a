"""The shop's OpenID Connect provider, seen from the dashboard.

Discovery (Authlib's OpenID provider metadata, checked), the authorization URL (code flow
with PKCE S256, state and nonce, built by Authlib's client), the code-for-tokens exchange
(Authlib's client, client secret sent with HTTP Basic) and the ID token check with
joserfc, the JOSE library Authlib itself now points to: signature against the provider's
JWKS, ``iss``, ``aud`` (and ``azp``), ``exp``, ``iat`` and ``nonce``.

Every failure is a ``SignInRefused`` with a reason (``provider_error`` when the provider
cannot be used, ``invalid_token`` when its answer fails a check): views show a page for it.
"""

from __future__ import annotations

import logging
import secrets
import time
import warnings
from dataclasses import dataclass

import httpx
from authlib.oauth2 import OAuth2Error
from authlib.oidc.discovery import OpenIDProviderMetadata, get_well_known_url
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from dashboard.domain.errors import SignInRefused

with warnings.catch_warnings():
    # Authlib 1.9 would rather run on "httpx2"; its httpx client is the same code.
    warnings.simplefilter("ignore", DeprecationWarning)
    from authlib.integrations.httpx_client import AsyncOAuth2Client

log = logging.getLogger(__name__)

SCOPE = "openid profile email"
CLOCK_LEEWAY_SECONDS = 60   # clocks of the provider and of this server may differ a little
HTTP_TIMEOUT_SECONDS = 10
METADATA_TTL_SECONDS = 300  # discovery and keys are fetched again after this long


@dataclass(frozen=True)
class Provider:
    issuer: str
    client_id: str
    client_secret: str


@dataclass(frozen=True)
class PendingSignIn:
    """What the browser keeps (sealed) between leaving for the provider and coming back."""

    state: str
    nonce: str
    code_verifier: str
    next_url: str = ""


_metadata: dict[str, tuple[float, OpenIDProviderMetadata]] = {}
_keys: dict[str, tuple[float, KeySet]] = {}


async def _get_json(url: str) -> dict:
    try:
        async with httpx.AsyncClient(timeout=HTTP_TIMEOUT_SECONDS) as http:
            response = await http.get(url, headers={"accept": "application/json"})
        response.raise_for_status()
        data = response.json()
    except (httpx.HTTPError, ValueError) as exc:
        log.warning("OpenID provider unreachable or not JSON at %s: %s", url, exc)
        raise SignInRefused("provider_error") from exc
    if not isinstance(data, dict):
        raise SignInRefused("provider_error")
    return data


async def discover(provider: Provider) -> OpenIDProviderMetadata:
    """The provider's metadata; its ``issuer`` must be exactly the configured one
    (OpenID Connect Discovery 1.0, section 4.3), so a look-alike cannot stand in."""
    cached = _metadata.get(provider.issuer)
    if cached and cached[0] > time.monotonic():
        return cached[1]
    metadata = OpenIDProviderMetadata(await _get_json(get_well_known_url(provider.issuer, True)))
    try:
        metadata.validate_issuer()
        metadata.validate_authorization_endpoint()
        metadata.validate_token_endpoint()
        metadata.validate_jwks_uri()
    except ValueError as exc:
        log.warning("OpenID provider metadata refused: %s", exc)
        raise SignInRefused("provider_error") from exc
    if metadata.get("issuer") != provider.issuer:
        log.warning("OpenID provider says issuer %r, configured %r", metadata.get("issuer"),
                    provider.issuer)
        raise SignInRefused("provider_error")
    _metadata[provider.issuer] = (time.monotonic() + METADATA_TTL_SECONDS, metadata)
    return metadata


def _client(provider: Provider, redirect_uri: str) -> AsyncOAuth2Client:
    return AsyncOAuth2Client(
        client_id=provider.client_id, client_secret=provider.client_secret, scope=SCOPE,
        redirect_uri=redirect_uri, code_challenge_method="S256",
        token_endpoint_auth_method="client_secret_basic", timeout=HTTP_TIMEOUT_SECONDS)


async def authorization_url(provider: Provider, redirect_uri: str,
                            next_url: str = "") -> tuple[str, PendingSignIn]:
    """Where to send the browser, and what to keep until it comes back."""
    metadata = await discover(provider)
    pending = PendingSignIn(state=secrets.token_urlsafe(32), nonce=secrets.token_urlsafe(32),
                            code_verifier=secrets.token_urlsafe(64), next_url=next_url)
    async with _client(provider, redirect_uri) as client:
        url, _ = client.create_authorization_url(
            metadata["authorization_endpoint"], state=pending.state, nonce=pending.nonce,
            code_verifier=pending.code_verifier)
    return url, pending


async def exchange_code(provider: Provider, redirect_uri: str, code: str,
                        pending: PendingSignIn) -> dict:
    """Trade the authorization code for tokens and return the checked ID token's claims."""
    metadata = await discover(provider)
    try:
        async with _client(provider, redirect_uri) as client:
            token = await client.fetch_token(metadata["token_endpoint"], code=code,
                                             code_verifier=pending.code_verifier)
    except (OAuth2Error, httpx.HTTPError, ValueError) as exc:
        log.warning("OpenID token exchange failed: %s", exc)
        raise SignInRefused("provider_error") from exc
    id_token = token.get("id_token")
    if not isinstance(id_token, str):
        log.warning("OpenID token answer without an ID token")
        raise SignInRefused("invalid_token")
    return await check_id_token(provider, metadata, id_token, pending.nonce)


async def _key_set(jwks_uri: str, refresh: bool = False) -> KeySet:
    cached = _keys.get(jwks_uri)
    if cached and cached[0] > time.monotonic() and not refresh:
        return cached[1]
    try:
        keys = KeySet.import_key_set(await _get_json(jwks_uri))  # type: ignore[arg-type]
    except (JoseError, ValueError, TypeError, KeyError) as exc:
        raise SignInRefused("provider_error") from exc
    _keys[jwks_uri] = (time.monotonic() + METADATA_TTL_SECONDS, keys)
    return keys


async def check_id_token(provider: Provider, metadata: OpenIDProviderMetadata, id_token: str,
                         nonce: str) -> dict:
    """Verify the ID token and return its claims; refuse it on any doubt."""
    algorithms = [alg for alg in metadata.get("id_token_signing_alg_values_supported")
                  or ["RS256"] if alg != "none" and not alg.startswith("HS")]
    try:
        try:
            token = jwt.decode(id_token, await _key_set(metadata["jwks_uri"]), algorithms)
        except (JoseError, ValueError):
            # The provider may have rotated its keys since we fetched them: once more with
            # fresh keys, and a token that fails again is refused.
            token = jwt.decode(id_token, await _key_set(metadata["jwks_uri"], refresh=True),
                               algorithms)
        claims = dict(token.claims)
        jwt.JWTClaimsRegistry(
            leeway=CLOCK_LEEWAY_SECONDS,
            iss={"essential": True, "value": provider.issuer},
            aud={"essential": True, "value": provider.client_id},
            sub={"essential": True},
            exp={"essential": True},
            iat={"essential": True},
            nonce={"essential": True, "value": nonce},
        ).validate(claims)
    except (JoseError, ValueError, TypeError) as exc:
        log.warning("ID token refused: %s", exc)
        raise SignInRefused("invalid_token") from exc
    audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
    if len(audiences) > 1 and claims.get("azp") != provider.client_id:
        log.warning("ID token refused: several audiences and azp %r", claims.get("azp"))
        raise SignInRefused("invalid_token")
    return claims
