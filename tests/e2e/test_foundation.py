"""The foundation over real HTTP: tokens, tenancy, errors, data kept across restarts."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from moto.utilities.utils import load_resource

from tests.support.harness import Actor
from tests.support.local_stack import PRINCIPAL_CACHE_SECONDS, HttpApi, LocalStackProcess

pytestmark = pytest.mark.e2e


def test_org_token_reads_me_and_survives_a_restart(tmp_path: Path) -> None:
    stack = LocalStackProcess(tmp_path / "data")
    stack.start()
    try:
        api = HttpApi(stack.url, f"http://127.0.0.1:{stack.dynamodb_port}")
        admin = api.new_org("Persisted")
        assert api.get(admin, "/v1/me").ok()["name"] == "Persisted Admin"
    finally:
        stack.stop()
    stack.start()  # same data folder, same ports
    try:
        me = HttpApi(stack.url, f"http://127.0.0.1:{stack.dynamodb_port}").get(admin, "/v1/me").ok()
        assert me["id"] == admin.user_id
    finally:
        stack.stop()


def _forged(admin: Actor) -> str:
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    header = jwt.get_unverified_header(admin.token or "")
    claims = jwt.decode(admin.token or "", options={"verify_signature": False})
    return jwt.encode(claims, other_key, algorithm="RS256", headers={"kid": header["kid"]})


def _signed_by_the_pool(admin: Actor, **changes: Any) -> str:
    """A token signed with the local pool's own key (moto ships it), with changed claims."""
    private = jwt.PyJWK.from_dict(load_resource("cognitoidp/resources/jwks-private.json")).key
    claims = {**jwt.decode(admin.token or "", options={"verify_signature": False}), **changes}
    return jwt.encode(claims, private, algorithm="RS256", headers={"kid": "dummy"})


def test_bad_tokens_get_the_jwt_authorizers_refusal(stack: HttpApi) -> None:
    admin = stack.new_org("Tokens")
    assert stack.get(admin, "/v1/me").status == 200
    assert (
        stack.get(Actor(admin.org_id, admin.user_id, _signed_by_the_pool(admin)), "/v1/me").status
        == 200
    )
    refused = {
        "forged": _forged(admin),
        "expired": _signed_by_the_pool(admin, exp=int(time.time()) - 60),
        "other audience": _signed_by_the_pool(admin, aud="someone-else"),
        "other issuer": _signed_by_the_pool(admin, iss="https://issuer.example"),
        "not a jwt": "not-a-jwt",
    }
    for case, token in refused.items():
        answer = stack.http.get("/v1/me", headers={"Authorization": f"Bearer {token}"})
        assert answer.status_code == 401, case
        assert answer.headers["content-type"] == "application/json", case
        assert answer.json() == {"message": "Unauthorized"}, case
    assert stack.http.get("/v1/me").json() == {"message": "Unauthorized"}


def test_another_orgs_user_is_not_found(stack: HttpApi) -> None:
    acme, globex = stack.new_org("Acme A"), stack.new_org("Globex B")
    bob = stack.add_user(globex, "Bob Other")
    assert stack.get(acme, f"/v1/users/{bob.user_id}").status == 404
    assert stack.get(globex, f"/v1/users/{bob.user_id}").status == 200


def test_bad_input_gets_problem_json(stack: HttpApi) -> None:
    admin = stack.new_org("Errors")
    auth = {"Authorization": f"Bearer {admin.token}", "Content-Type": "application/json"}
    answers = {
        "malformed": stack.http.post("/v1/users", content=b"{nope", headers=auth),
        "non-utf8": stack.http.post("/v1/users", content=b'{"name": "\xff\xfe"}', headers=auth),
        "300 KiB": stack.http.post(
            "/v1/users", content=b'{"a":"' + b"x" * 300 * 1024 + b'"}', headers=auth
        ),
        "wrong type": stack.http.post("/v1/users", json={"email": 1, "name": 2}, headers=auth),
        "unknown route": stack.http.get("/v1/no-such-thing", headers=auth),
        "unknown public route": stack.http.get("/nowhere"),
        "multipart": stack.http.post(
            "/v1/users", content=b"--x\r\n", headers={**auth, "Content-Type": "multipart/form-data"}
        ),
    }
    for case, answer in answers.items():
        assert 400 <= answer.status_code < 500, (case, answer.status_code, answer.text)
        assert answer.headers["content-type"] == "application/problem+json", case
        assert answer.json()["status"] == answer.status_code, case


def test_a_deactivated_user_is_refused_within_the_cache_bound(stack: HttpApi) -> None:
    admin = stack.new_org("Deactivation")
    bob = stack.add_user(admin, "Bob Leaving")
    assert stack.get(bob, "/v1/me").status == 200
    stack.patch(admin, f"/v1/users/{bob.user_id}", {"status": "inactive"}).ok()
    deadline = time.monotonic() + PRINCIPAL_CACHE_SECONDS + 5
    while stack.get(bob, "/v1/me").status == 200:
        assert time.monotonic() < deadline, "still served after the principal cache bound"
        time.sleep(0.5)
    assert stack.get(bob, "/v1/me").status == 403


def test_openapi_document_and_docs_page(stack: HttpApi) -> None:
    document = httpx.get(f"{stack.url}/v1/openapi.json").json()
    assert document["openapi"].startswith("3.1")
    assert "/v1/me" in document["paths"]
    assert httpx.get(f"{stack.url}/v1/docs").status_code == 200
