"""e2e tests: a real local stack (tests/support/local_stack.py) started once per test
session on free ports with a temporary data folder."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.local_stack import HttpApi, LocalStackProcess


@pytest.fixture(scope="session")
def local_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStackProcess]:
    stack = LocalStackProcess(tmp_path_factory.mktemp("momentum") / "data")
    stack.start()
    yield stack
    stack.stop()


@pytest.fixture(scope="session")
def stack(local_stack: LocalStackProcess) -> HttpApi:
    return HttpApi(local_stack.url, f"http://127.0.0.1:{local_stack.dynamodb_port}")
