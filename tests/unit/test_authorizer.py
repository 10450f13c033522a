"""The JWT authorizer, against tokens signed here with locally generated RSA and EC keys (no network),
including the classic attacks: ``alg: none``, HS256 keyed with the issuer's public key, expired,
wrong audience, unknown ``kid``."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

from functions.authorizer import app

ISSUER = "https://securetoken.google.com/shatably-test"
AUDIENCE = "shatably-test"
METHOD_ARN = "arn:aws:execute-api:us-east-1:123456789012:abcdef1234/dev/POST/chat"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _int_b64(value: int) -> str:
    return _b64(value.to_bytes((value.bit_length() + 7) // 8, "big"))


@pytest.fixture(scope="module")
def key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def other_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _jwk(private: rsa.RSAPrivateKey, kid: str) -> dict[str, str]:
    numbers = private.public_key().public_numbers()
    return {
        "kty": "RSA",
        "use": "sig",
        "alg": "RS256",
        "kid": kid,
        "n": _int_b64(numbers.n),
        "e": _int_b64(numbers.e),
    }


def _token(private: rsa.RSAPrivateKey, claims: dict[str, Any], header: dict[str, Any] | None = None) -> str:
    head = {"alg": "RS256", "kid": "k1", "typ": "JWT"} | (header or {})
    signing_input = f"{_b64(json.dumps(head).encode())}.{_b64(json.dumps(claims).encode())}"
    signature = private.sign(signing_input.encode(), padding.PKCS1v15(), hashes.SHA256())
    return f"{signing_input}.{_b64(signature)}"


def _claims(**overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    claims: dict[str, Any] = {"iss": ISSUER, "aud": AUDIENCE, "sub": "user-123", "iat": now, "exp": now + 600}
    claims.update(overrides)
    return {k: v for k, v in claims.items() if v is not None}


class FakeIssuer:
    """Serves the discovery document and the key set; counts fetches."""

    def __init__(self, *keys: dict[str, str]) -> None:
        self.keys = list(keys)
        self.urls: list[str] = []

    def __call__(self, url: str) -> dict[str, Any]:
        self.urls.append(url)
        if url == f"{ISSUER}/.well-known/openid-configuration":
            return {"issuer": ISSUER, "jwks_uri": "https://keys.example.test/jwks.json"}
        if url == "https://keys.example.test/jwks.json":
            return {"keys": self.keys}
        raise AssertionError(f"unexpected fetch {url}")


@pytest.fixture
def config() -> app.Config:
    return app.Config(issuer=ISSUER, audiences=frozenset({AUDIENCE}))


@pytest.fixture
def issuer(key: rsa.RSAPrivateKey) -> FakeIssuer:
    return FakeIssuer(_jwk(key, "k1"))


@pytest.fixture
def jwks(issuer: FakeIssuer) -> app.JwksCache:
    return app.JwksCache(fetch=issuer)


def test_valid_token_yields_its_claims_via_discovery(key, config, jwks, issuer) -> None:
    claims = app.verify(_token(key, _claims()), config, jwks)
    assert claims["sub"] == "user-123"
    assert issuer.urls == [
        f"{ISSUER}/.well-known/openid-configuration",
        "https://keys.example.test/jwks.json",
    ]


def test_keys_are_cached_between_tokens(key, config, jwks, issuer) -> None:
    for _ in range(3):
        app.verify(_token(key, _claims()), config, jwks)
    assert len(issuer.urls) == 2


def test_audience_list_and_cognito_access_token(key, config, jwks) -> None:
    assert app.verify(_token(key, _claims(aud=["x", AUDIENCE])), config, jwks)["sub"] == "user-123"
    access = _claims(aud=None, token_use="access", client_id=AUDIENCE)
    assert app.verify(_token(key, access), config, jwks)["sub"] == "user-123"


@pytest.mark.parametrize(
    ("claims", "reason"),
    [
        (_claims(iss="https://evil.example"), "wrong issuer"),
        (_claims(aud="someone-else"), "wrong audience"),
        (_claims(aud=None, token_use="id", client_id=AUDIENCE), "aud"),
        (_claims(aud=None, token_use="access", client_id="another-client"), "wrong audience"),
        (_claims(exp=int(time.time()) - 3600), "expired"),
        (_claims(exp=None), "exp"),
        (_claims(exp="tomorrow"), "exp"),
        (_claims(nbf=int(time.time()) + 3600), "not yet valid"),
        (_claims(iat=int(time.time()) + 3600), "not yet valid"),
        (_claims(iss=None), "iss"),
        (_claims(sub=""), "missing sub"),
        (_claims(sub=None), "missing sub"),
    ],
)
def test_bad_claims_are_refused(key, config, jwks, claims, reason) -> None:
    with pytest.raises(app.Unauthorized, match=reason):
        app.verify(_token(key, claims), config, jwks)


def test_signature_from_another_key_is_refused(other_key, config, jwks) -> None:
    with pytest.raises(app.Unauthorized, match="bad signature"):
        app.verify(_token(other_key, _claims()), config, jwks)


def test_tampered_payload_is_refused(key, config, jwks) -> None:
    head, _, signature = _token(key, _claims()).split(".")
    forged = _b64(json.dumps(_claims(sub="admin")).encode())
    with pytest.raises(app.Unauthorized, match="bad signature"):
        app.verify(f"{head}.{forged}.{signature}", config, jwks)


@pytest.mark.parametrize("header", [{"alg": "none"}, {"alg": "HS256"}, {"alg": "RS512"}])
def test_only_rs256_is_accepted(key, config, jwks, header) -> None:
    with pytest.raises(app.Unauthorized, match="alg"):
        app.verify(_token(key, _claims(), header), config, jwks)


@pytest.mark.parametrize("token", ["", "a.b", "a.b.c.d", "!!!.e30.AA", "e30.e30.", "x" * 9000])
def test_malformed_tokens_are_refused(token, config, jwks) -> None:
    with pytest.raises(app.Unauthorized):
        app.verify(token, config, jwks)


def test_unknown_kid_refetches_once_then_refuses(key, other_key, config, issuer) -> None:
    clock = [1000.0]
    jwks = app.JwksCache(fetch=issuer, clock=lambda: clock[0])
    app.verify(_token(key, _claims()), config, jwks)
    # The issuer rotates in a new key: the first token with its kid triggers a refetch.
    issuer.keys.append(_jwk(other_key, "k2"))
    clock[0] += app.JWKS_MIN_REFRESH_SECONDS + 1
    assert app.verify(_token(other_key, _claims(), {"kid": "k2"}), config, jwks)["sub"] == "user-123"
    fetches = len(issuer.urls)
    # An unknown kid right after a refresh does not hammer the issuer.
    with pytest.raises(app.Unauthorized, match="unknown signing key"):
        app.verify(_token(other_key, _claims(), {"kid": "k3"}), config, jwks)
    assert len(issuer.urls) == fetches


def test_small_keys_are_refused(config) -> None:
    weak = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    jwks = app.JwksCache(fetch=FakeIssuer(_jwk(weak, "k1")))
    with pytest.raises(app.Unauthorized, match="unknown signing key"):
        app.verify(_token(weak, _claims()), config, jwks)


def test_unsigned_alg_none_token_is_refused(config, jwks) -> None:
    head = _b64(json.dumps({"alg": "none", "kid": "k1", "typ": "JWT"}).encode())
    body = _b64(json.dumps(_claims()).encode())
    with pytest.raises(app.Unauthorized, match="alg"):
        app.verify(f"{head}.{body}.", config, jwks)


def test_hs256_keyed_with_the_public_key_is_refused(key, config, jwks) -> None:
    """The key-confusion attack: sign HMAC with the issuer's (public) RSA key as the secret."""
    public_pem = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    signing_input = (
        f"{_b64(json.dumps({'alg': 'HS256', 'kid': 'k1', 'typ': 'JWT'}).encode())}."
        f"{_b64(json.dumps(_claims(sub='admin')).encode())}"
    )
    mac = hmac.new(public_pem, signing_input.encode(), hashlib.sha256).digest()
    with pytest.raises(app.Unauthorized, match="alg"):
        app.verify(f"{signing_input}.{_b64(mac)}", config, jwks)


def _es256_token(private: ec.EllipticCurvePrivateKey, claims: dict[str, Any], kid: str) -> str:
    head = {"alg": "ES256", "kid": kid, "typ": "JWT"}
    signing_input = f"{_b64(json.dumps(head).encode())}.{_b64(json.dumps(claims).encode())}"
    r, s = decode_dss_signature(private.sign(signing_input.encode(), ec.ECDSA(hashes.SHA256())))
    return f"{signing_input}.{_b64(r.to_bytes(32, 'big') + s.to_bytes(32, 'big'))}"  # JWS: r || s


def _ec_jwk(private: ec.EllipticCurvePrivateKey, kid: str) -> dict[str, str]:
    numbers = private.public_key().public_numbers()
    return {
        "kty": "EC",
        "crv": "P-256",
        "use": "sig",
        "kid": kid,
        "x": _b64(numbers.x.to_bytes(32, "big")),
        "y": _b64(numbers.y.to_bytes(32, "big")),
    }


def test_es256_tokens_verify_against_an_ec_key_only(key, config) -> None:
    ec_key = ec.generate_private_key(ec.SECP256R1())
    jwks = app.JwksCache(fetch=FakeIssuer(_jwk(key, "k1"), _ec_jwk(ec_key, "e1")))
    assert app.verify(_es256_token(ec_key, _claims(), "e1"), config, jwks)["sub"] == "user-123"
    # An ES256 header naming the RSA key's kid does not get to pick how that key is used.
    with pytest.raises(app.Unauthorized, match="alg"):
        app.verify(_es256_token(ec_key, _claims(), "k1"), config, jwks)


def test_leeway_accepts_a_token_just_expired(key, config, jwks) -> None:
    assert app.verify(_token(key, _claims(exp=int(time.time()) - 30)), config, jwks)["sub"] == "user-123"


def test_bearer_token_parsing() -> None:
    assert app.bearer_token({"authorizationToken": "Bearer abc.def.ghi"}) == "abc.def.ghi"
    assert app.bearer_token({"authorizationToken": "bearer  abc.def.ghi "}) == "abc.def.ghi"
    for value in (None, "", "Basic dXNlcjpwdw==", "Bearer", "abc.def.ghi"):
        with pytest.raises(app.Unauthorized):
            app.bearer_token({"authorizationToken": value})


def test_policy_allows_the_whole_stage_and_passes_only_the_subject() -> None:
    result = app.allow_policy("user-123", METHOD_ARN, {"iss": ISSUER, "email": "a@b.c"})
    statement = result["policyDocument"]["Statement"][0]
    assert statement == {
        "Action": "execute-api:Invoke",
        "Effect": "Allow",
        "Resource": "arn:aws:execute-api:us-east-1:123456789012:abcdef1234/dev/*",
    }
    assert result["principalId"] == "user-123"
    assert result["context"] == {"sub": "user-123", "iss": ISSUER, "token_use": ""}
    assert all(isinstance(v, str) for v in result["context"].values())


def test_handler_allows_a_good_token_and_answers_401_otherwise(key, monkeypatch, issuer) -> None:
    monkeypatch.setenv("JWT_ISSUER", ISSUER)
    monkeypatch.setenv("JWT_AUDIENCE", f"other, {AUDIENCE}")
    monkeypatch.setattr(app, "_config", None)
    monkeypatch.setattr(app, "_jwks", app.JwksCache(fetch=issuer))
    event = {
        "type": "TOKEN",
        "methodArn": METHOD_ARN,
        "authorizationToken": f"Bearer {_token(key, _claims())}",
    }
    assert app.handler(event, None)["context"]["sub"] == "user-123"
    with pytest.raises(Exception, match=r"^Unauthorized$"):
        app.handler(event | {"authorizationToken": "Bearer nope"}, None)


def test_config_requires_issuer_and_audience(monkeypatch) -> None:
    monkeypatch.setenv("JWT_ISSUER", ISSUER)
    monkeypatch.delenv("JWT_AUDIENCE", raising=False)
    with pytest.raises(RuntimeError):
        app.Config.from_env()


def test_keys_are_fetched_over_https_only() -> None:
    with pytest.raises(ValueError, match="https"):
        app.fetch_json("http://keys.example.test/jwks.json")


def test_the_sample_event_reaches_verification_and_is_refused(key, monkeypatch, issuer) -> None:
    """events/authorizer_token.json (for `sam local invoke AuthorizerFunction`) is a well-formed
    TOKEN event; its token is signed by no real key, so the answer is API Gateway's 401."""
    from pathlib import Path

    event = json.loads((Path(__file__).resolve().parents[2] / "events" / "authorizer_token.json").read_text())
    monkeypatch.setenv("JWT_ISSUER", ISSUER)
    monkeypatch.setenv("JWT_AUDIENCE", AUDIENCE)
    monkeypatch.setattr(app, "_config", None)
    monkeypatch.setattr(app, "_jwks", app.JwksCache(fetch=issuer))
    assert app.bearer_token(event).count(".") == 2
    with pytest.raises(Exception, match=r"^Unauthorized$"):
        app.handler(event, None)
