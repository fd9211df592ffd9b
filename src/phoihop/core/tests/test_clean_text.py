"""Text reaches views, forms and the API in Unicode NFC, whatever form the keyboard sent it in."""

import json
import unicodedata

from django.test import RequestFactory

from phoihop.core.middleware import CleanTextMiddleware
from phoihop.core.text import clean_text

DECOMPOSED = unicodedata.normalize("NFD", "Lường Thị Thái")
COMPOSED = "Lường Thị Thái"


def through_middleware(request):
    seen = {}

    def view(req):
        seen["GET"], seen["POST"] = req.GET, req.POST
        if req.content_type == "application/json":
            seen["body"] = req.body
        return None

    CleanTextMiddleware(view)(request)
    return seen


def test_clean_text_composes_and_leaves_composed_text_as_it_is():
    assert DECOMPOSED != COMPOSED and clean_text(DECOMPOSED) == COMPOSED
    assert clean_text(COMPOSED) is COMPOSED and clean_text("CDCS-1") == "CDCS-1"


def test_query_string_and_form_fields_are_composed():
    factory = RequestFactory()
    seen = through_middleware(factory.get("/ho-so/nguoi/", {"q": DECOMPOSED}))
    assert seen["GET"]["q"] == COMPOSED
    seen = through_middleware(factory.post("/ho-so/nguoi/them/", {"full_name": DECOMPOSED, "code": "P-1"}))
    assert seen["POST"]["full_name"] == COMPOSED and seen["POST"]["code"] == "P-1"
    assert not seen["POST"]._mutable  # still the read-only QueryDict a view expects


def test_json_bodies_are_composed_keys_and_values_at_every_depth():
    body = {"decision_no": DECOMPOSED, "list": [DECOMPOSED, 1, None], "inner": {"x": DECOMPOSED}}
    request = RequestFactory().post("/api/v1/x", json.dumps(body), content_type="application/json")
    sent = json.loads(through_middleware(request)["body"])
    assert sent == {"decision_no": COMPOSED, "list": [COMPOSED, 1, None], "inner": {"x": COMPOSED}}
    # Escaped \u forms are read as JSON, so they are composed too.
    escaped = json.dumps({"ten": DECOMPOSED}, ensure_ascii=True).encode()
    request = RequestFactory().post("/api/v1/x", escaped, content_type="application/json")
    assert json.loads(through_middleware(request)["body"]) == {"ten": COMPOSED}


def test_a_malformed_json_body_is_left_for_the_api_to_answer():
    request = RequestFactory().post("/api/v1/x", b'{"ten": "Tha\xcc\x81i"', content_type="application/json")
    assert through_middleware(request)["body"] == b'{"ten": "Tha\xcc\x81i"'
