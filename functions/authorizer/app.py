"""The API's JWT authorizer (API Gateway TOKEN authorizer), deployed only when ``JwtIssuer`` is set.

Why a Lambda authorizer: the stack must accept Cognito *and* Firebase tokens on a REST API, and
switch off cleanly when no issuer is configured. SAM's REST ``Auth`` section knows Cognito user
pools (no Firebase) and Lambda authorizers; the CloudFormation schema bundled with cfn-lint 1.58 has
no JWT type for ``AWS::ApiGateway::Authorizer``. See the comment on ``ShatablyApi`` in template.yaml.

Verification is PyJWT's (a maintained library, with ``cryptography`` from the shared layer): the
signature with the issuer's published key (OIDC discovery -> ``jwks_uri``), the algorithm pinned
to RS256/ES256 *and* to the key's own type (so ``none`` and HS256-keyed-with-the-public-key never
verify), ``exp``/``nbf``/``iat`` with a small leeway, ``iss`` equal to JWT_ISSUER and ``aud`` (or a
Cognito access token's ``client_id``) in JWT_AUDIENCE. What stays here: the key cache (refetch on
an unknown ``kid``, at most once a minute: PyJWKClient would refetch for every unknown ``kid``, so
random kids would hammer the issuer), RSA keys below 2048 bits refused, and a non-empty ``sub``,
which goes to the app as ``requestContext.authorizer.sub``; the token never does.
"""

from __future__ import annotations

import json
import logging
import os
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

logger = logging.getLogger("shatably.authorizer")
logger.setLevel(os.environ.get("POWERTOOLS_LOG_LEVEL", "INFO"))

ALGORITHMS = ("RS256", "ES256")  # Cognito signs RS256, Firebase RS256; ES256 for other OIDC issuers
LEEWAY_SECONDS = 60
JWKS_MAX_AGE_SECONDS = 3600
JWKS_MIN_REFRESH_SECONDS = 60  # an unknown kid refetches at most this often (key rotation)
HTTP_TIMEOUT_SECONDS = 3.0
MAX_TOKEN_CHARS = 8192
MIN_RSA_BITS = 2048

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


def _signing_key(jwk: Any) -> jwt.PyJWK | None:
    """A usable public signing key from one JWKS entry, or None (skipped, never an error)."""
    if not isinstance(jwk, dict) or jwk.get("use", "sig") != "sig" or not isinstance(jwk.get("kid"), str):
        return None
    try:
        key = jwt.PyJWK(jwk)
    except jwt.PyJWTError:
        return None
    if key.algorithm_name not in ALGORITHMS:
        return None
    if isinstance(key.key, rsa.RSAPublicKey) and key.key.key_size < MIN_RSA_BITS:
        return None
    return key


@dataclass
class JwksCache:
    """The issuer's public keys by ``kid``, fetched lazily and refreshed on rotation."""

    fetch: JsonFetcher = fetch_json
    clock: Callable[[], float] = time.time
    _keys: dict[str, jwt.PyJWK] = field(default_factory=dict)
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
        keys = {jwk["kid"]: key for jwk in jwks.get("keys", []) if (key := _signing_key(jwk)) is not None}
        self._keys = keys
        self._fetched_at = self.clock()

    def key(self, kid: str, config: Config) -> jwt.PyJWK:
        age = self.clock() - self._fetched_at
        if age > JWKS_MAX_AGE_SECONDS or (kid not in self._keys and age > JWKS_MIN_REFRESH_SECONDS):
            self.refresh(config)
        try:
            return self._keys[kid]
        except KeyError:
            raise Unauthorized("unknown signing key") from None


_REASONS: tuple[tuple[type[jwt.PyJWTError], str], ...] = (
    (jwt.ExpiredSignatureError, "expired"),
    (jwt.ImmatureSignatureError, "not yet valid"),  # nbf, or iat in the future
    (jwt.InvalidIssuerError, "wrong issuer"),
    (jwt.InvalidAudienceError, "wrong audience"),
    (jwt.InvalidSignatureError, "bad signature"),
)


def verify(token: str, config: Config, jwks: JwksCache) -> dict[str, Any]:
    """Return the token's claims, or raise ``Unauthorized`` saying why (for the log, not the caller)."""
    if len(token) > MAX_TOKEN_CHARS:
        raise Unauthorized("token too long")
    try:
        header = jwt.get_unverified_header(token)
        unverified = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError:
        raise Unauthorized("malformed token") from None
    alg = header.get("alg")
    if alg not in ALGORITHMS:  # an allow-list, never the token's own choice ("none", HS256)
        raise Unauthorized("unsupported alg")
    kid = header.get("kid")
    if not isinstance(kid, str) or not kid:
        raise Unauthorized("missing kid")
    key = jwks.key(kid, config)
    if key.algorithm_name != alg:  # an RS256 key verifies RS256 only
        raise Unauthorized("unsupported alg for this key")
    # Cognito access tokens carry the app client in client_id and have no aud.
    cognito_access = unverified.get("token_use") == "access" and "aud" not in unverified
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            key=key,
            algorithms=[alg],
            issuer=config.issuer,
            audience=None if cognito_access else sorted(config.audiences),
            leeway=LEEWAY_SECONDS,
            options={"require": ["exp", "iss"], "verify_aud": not cognito_access},
        )
    except jwt.MissingRequiredClaimError as exc:
        raise Unauthorized(f"missing {exc.claim}") from None
    except jwt.PyJWTError as exc:
        reason = next(
            (text for kind, text in _REASONS if isinstance(exc, kind)), f"{type(exc).__name__}: {exc}"
        )
        raise Unauthorized(reason) from None
    if cognito_access and claims.get("client_id") not in config.audiences:
        raise Unauthorized("wrong audience")
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
