"""The API contract, checked by Schemathesis against the running Django application (in process, through
WSGI) from its own OpenAPI document: every operation there — new ones too, without touching this file —
gets generated requests, valid and invalid, and every answer must be no server error, carry a status and a
content type its operation declares, and match the declared response schema.

Fixed seed, derandomised and a bounded number of examples per operation, so a run is the same each time
and takes well under a minute. A larger exploratory run: `st run http://HOST/api/v1/openapi.json -H
"Authorization: Bearer $TOKEN" --seed 42 -n 300` against a server with the demo data (docs/security.md).
"""

import json

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from ninja.responses import NinjaJSONEncoder
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from phoihop.accounts.models import ApiToken
from phoihop.api.main import api

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
# About 600 generated requests in all (plus each operation's coverage phase), however many operations the
# document grows to: the test stays near half a minute of CPU.
TOTAL_EXAMPLES = 600

# Codes that exist in the test world (phoihop.testing.world), so that generated requests also reach the
# answers of real objects and not only 404s. Each path parameter of that name is either generated or one
# of these; an outsider's code is among them (it must answer 404 like a missing one).
KNOWN = {
    "code": [
        "LDLD-A",
        "LDLD-A-BAC",
        "CDCS-BAC-1",
        "CB-DN-BAC",
        "P-BAC-1",
        "P-NAM-1",
        "DN-BAC",
        "LDLD-X",
        "P-X-1",
    ],
    "unit": ["LDLD-A", "LDLD-A-BAC", "CDCS-BAC-1", "CDCS-NAM-1", "LDLD-X"],
}


@schemathesis.hook
def flatmap_path_parameters(context, path_parameters):
    if not path_parameters:
        return st.just(path_parameters)
    return st.fixed_dictionaries(
        {
            name: st.one_of(st.just(value), st.sampled_from(KNOWN[name])) if name in KNOWN else st.just(value)
            for name, value in path_parameters.items()
        }
    )


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    # As Django's test client does: the end of a request must not close the test's database connection,
    # which holds the world inside the test's transaction.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token(world):
    # The province federation's admin: sees the province's tree and may write (transfers).
    return ApiToken.issue(world.users["admin_a"])


def load_schema():
    """The document /api/v1/openapi.json serves (built as its view builds it: no request, so no database
    at collection time), with the WSGI application to call."""
    document = json.loads(json.dumps(api.get_openapi_schema(), cls=NinjaJSONEncoder))
    # The coverage phase varies one parameter at a time and takes the others from their examples: with a
    # world code as the example, a huge page number reaches the database query instead of a 404.
    for operations in document["paths"].values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "path" and parameter["name"] in KNOWN:
                    parameter["schema"]["examples"] = KNOWN[parameter["name"]][:1]
    loaded = schemathesis.openapi.from_dict(document)
    loaded.app = WSGIHandler()
    return loaded


schema = load_schema()
OPERATIONS = sum(
    1 for operations in schema.raw_schema["paths"].values() for method in operations if method != "parameters"
)
EXAMPLES_PER_OPERATION = max(15, TOTAL_EXAMPLES // max(OPERATIONS, 1))


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_answer_keeps_the_contract(case, token):
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)
