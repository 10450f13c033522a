"""The API's JWT authorizer (API Gateway TOKEN authorizer), deployed only when ``JwtIssuer`` is set.

Why a Lambda authorizer: the stack must accept Cognito *and* Firebase tokens on a REST API, and
switch off cleanly when no issuer is configured. SAM's REST ``Auth`` section knows Cognito user
pools (no Firebase) and Lambda authorizers; the CloudFormation schema bundled with cfn-lint 1.58 has
no JWT type for ``AWS::ApiGateway::Authorizer``. See the comment on ``ShatablyApi`` in template.yaml.

What it checks: an RS256 signature from the issuer's published keys (OIDC discovery ->
``jwks_uri``), ``iss`` equal to JWT_ISSUER, ``aud`` (or a Cognito access token's ``client_id``) in
JWT_AUDIENCE, ``exp``/``nbf``/``iat`` with a small leeway, and a non-empty ``sub``. The ``sub`` goes
to the app as ``requestContext.authorizer.sub``; the token never does.

Standard library only, so it neither needs nor imports the shared layer. RSA verification follows
RFC 8017 §8.2.2: re-encode the expected PKCS#1 v1.5 block and compare it whole, which never parses
attacker-controlled padding.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import os
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

logger = logging.getLogger("shatably.authorizer")
logger.setLevel(os.environ.get("POWERTOOLS_LOG_LEVEL", "INFO"))

LEEWAY_SECONDS = 60
JWKS_MAX_AGE_SECONDS = 3600
JWKS_MIN_REFRESH_SECONDS = 60  # an unknown kid refetches at most this often (key rotation)
HTTP_TIMEOUT_SECONDS = 3.0
MAX_TOKEN_CHARS = 8192
# DER prefix of DigestInfo for SHA-256 (RFC 8017 §9.2, note 1).
_SHA256_DIGEST_INFO = bytes.fromhex("3031300d060960864801650304020105000420")
_B64URL_ALPHABET = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")

JsonFetcher = Callable[[str], dict[str, Any]]


class Unauthorized(Exception):
    """The token is missing or invalid; API Gateway answers 401 (Gateway Response UNAUTHORIZED)."""


@dataclass(frozen=True)
class Config:
    issuer: str
    audiences: frozenset[str]
    jwks_url: str | None = None

    @classmethod
    def from_env(cls) -> Config:
        issuer = os.environ.get("JWT_ISSUER", "").strip()
        audiences = frozenset(a.strip() for a in os.environ.get("JWT_AUDIENCE", "").split(",") if a.strip())
        if not issuer or not audiences:
            raise RuntimeError("JWT_ISSUER and JWT_AUDIENCE must both be set")
        return cls(issuer=issuer, audiences=audiences, jwks_url=os.environ.get("JWT_JWKS_URL") or None)


def fetch_json(url: str) -> dict[str, Any]:
    if not url.startswith("https://"):
        raise ValueError(f"refusing to fetch keys over a non-https URL: {url!r}")
    request = urllib.request.Request(url, headers={"Accept": "application/json"})  # noqa: S310  # https only
    with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT_SECONDS) as response:  # noqa: S310
        data = json.loads(response.read(1_000_000))
    if not isinstance(data, dict):
        raise ValueError(f"{url} did not return a JSON object")
    return data


def b64url_decode(value: str) -> bytes:
    if not value or any(c not in _B64URL_ALPHABET for c in value):
        raise Unauthorized("malformed base64url segment")
    return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))


def _b64url_int(value: Any) -> int:
    if not isinstance(value, str):
        raise Unauthorized("malformed key")
    return int.from_bytes(b64url_decode(value), "big")


@dataclass
class JwksCache:
    """The issuer's RSA public keys by ``kid``, fetched lazily and refreshed on rotation."""

    fetch: JsonFetcher = fetch_json
    clock: Callable[[], float] = time.time
    _keys: dict[str, tuple[int, int]] = field(default_factory=dict)
    _fetched_at: float = float("-inf")

    def jwks_url(self, config: Config) -> str:
        if config.jwks_url:
            return config.jwks_url
        discovery = self.fetch(config.issuer.rstrip("/") + "/.well-known/openid-configuration")
        url = discovery.get("jwks_uri")
        if not isinstance(url, str):
            raise ValueError("the issuer's discovery document has no jwks_uri")
        return url

    def refresh(self, config: Config) -> None:
        jwks = self.fetch(self.jwks_url(config))
        keys: dict[str, tuple[int, int]] = {}
        for jwk in jwks.get("keys", []):
            if not isinstance(jwk, dict) or jwk.get("kty") != "RSA" or jwk.get("use", "sig") != "sig":
                continue
            kid = jwk.get("kid")
            if isinstance(kid, str):
                keys[kid] = (_b64url_int(jwk.get("n")), _b64url_int(jwk.get("e")))
        self._keys = keys
        self._fetched_at = self.clock()

    def key(self, kid: str, config: Config) -> tuple[int, int]:
        age = self.clock() - self._fetched_at
        if age > JWKS_MAX_AGE_SECONDS or (kid not in self._keys and age > JWKS_MIN_REFRESH_SECONDS):
            self.refresh(config)
        try:
            return self._keys[kid]
        except KeyError:
            raise Unauthorized("unknown signing key") from None


def rs256_valid(signing_input: bytes, signature: bytes, n: int, e: int) -> bool:
    """RSASSA-PKCS1-v1_5 with SHA-256 (RFC 8017 §8.2.2), by encode-and-compare."""
    k = (n.bit_length() + 7) // 8
    if k < 256 or len(signature) != k:  # keys below 2048 bits are refused
        return False
    s = int.from_bytes(signature, "big")
    if s >= n:
        return False
    encoded = pow(s, e, n).to_bytes(k, "big")
    t = _SHA256_DIGEST_INFO + hashlib.sha256(signing_input).digest()
    expected = b"\x00\x01" + b"\xff" * (k - len(t) - 3) + b"\x00" + t
    return hmac.compare_digest(encoded, expected)


def _json_segment(segment: str) -> dict[str, Any]:
    try:
        value = json.loads(b64url_decode(segment))
    except (ValueError, UnicodeDecodeError):
        raise Unauthorized("malformed token segment") from None
    if not isinstance(value, dict):
        raise Unauthorized("malformed token segment")
    return value


def _number(claims: dict[str, Any], name: str, *, required: bool) -> float | None:
    value = claims.get(name)
    if value is None and not required:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise Unauthorized(f"missing or malformed {name}")
    return float(value)


def verify(token: str, config: Config, jwks: JwksCache, now: float | None = None) -> dict[str, Any]:
    """Return the token's claims, or raise ``Unauthorized`` saying why (for the log, not the caller)."""
    now = time.time() if now is None else now
    if len(token) > MAX_TOKEN_CHARS:
        raise Unauthorized("token too long")
    parts = token.split(".")
    if len(parts) != 3:
        raise Unauthorized("not a JWS compact token")
    header, claims = _json_segment(parts[0]), _json_segment(parts[1])
    if header.get("alg") != "RS256":  # an allow-list, never the token's own choice ("none", HS256)
        raise Unauthorized("unsupported alg")
    kid = header.get("kid")
    if not isinstance(kid, str) or not kid:
        raise Unauthorized("missing kid")
    n, e = jwks.key(kid, config)
    if not rs256_valid(f"{parts[0]}.{parts[1]}".encode("ascii"), b64url_decode(parts[2]), n, e):
        raise Unauthorized("bad signature")

    if claims.get("iss") != config.issuer:
        raise Unauthorized("wrong issuer")
    aud = claims.get("aud")
    audiences = {aud} if isinstance(aud, str) else set()
    if isinstance(aud, list):
        audiences = {a for a in aud if isinstance(a, str)}
    cognito_access = claims.get("token_use") == "access" and claims.get("client_id") in config.audiences
    if not (audiences & config.audiences or cognito_access):
        raise Unauthorized("wrong audience")
    exp = _number(claims, "exp", required=True)
    if exp is None or now > exp + LEEWAY_SECONDS:
        raise Unauthorized("expired")
    nbf = _number(claims, "nbf", required=False)
    if nbf is not None and now + LEEWAY_SECONDS < nbf:
        raise Unauthorized("not yet valid")
    iat = _number(claims, "iat", required=False)
    if iat is not None and now + LEEWAY_SECONDS < iat:
        raise Unauthorized("issued in the future")
    sub = claims.get("sub")
    if not isinstance(sub, str) or not sub or len(sub) > 255:
        raise Unauthorized("missing sub")
    return claims


def bearer_token(event: dict[str, Any]) -> str:
    value = event.get("authorizationToken")
    if not isinstance(value, str):
        raise Unauthorized("no token")
    scheme, _, token = value.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("not a bearer token")
    return token.strip()


def allow_policy(sub: str, method_arn: str, claims: dict[str, Any]) -> dict[str, Any]:
    """Allow every method of this stage: API Gateway caches the result per token and reuses it for
    all methods, so a policy naming only ``methodArn`` would wrongly deny the token's next route."""
    arn, _, path = method_arn.partition("/")
    stage = path.split("/", 1)[0]
    if not arn.startswith("arn:") or not stage:
        raise ValueError(f"unexpected methodArn {method_arn!r}")
    context = {"sub": sub, "iss": str(claims.get("iss", "")), "token_use": str(claims.get("token_use", ""))}
    return {
        "principalId": sub,
        "policyDocument": {
            "Version": "2012-10-17",
            "Statement": [
                {"Action": "execute-api:Invoke", "Effect": "Allow", "Resource": f"{arn}/{stage}/*"}
            ],
        },
        "context": context,
    }


_config: Config | None = None
_jwks = JwksCache()


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    global _config
    if _config is None:
        _config = Config.from_env()
    try:
        claims = verify(bearer_token(event), _config, _jwks)
    except Unauthorized as exc:
        logger.info("token rejected", extra={"reason": str(exc)})
        # This exact message is what makes API Gateway answer 401 instead of 500.
        raise Exception("Unauthorized") from None
    return allow_policy(claims["sub"], str(event.get("methodArn", "")), claims)
