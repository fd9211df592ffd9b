"""Every error the API returns is mapped here, once, to a status and a Vietnamese `detail`, and declared
here, once, in the OpenAPI document of every operation.

The contract (checked by Schemathesis in `api/tests/test_contract.py`): every answer under /api/v1/ is
JSON, with a status its operation declares. Besides what a route declares for itself, every operation
declares 400 (a body that cannot be read), 401 (no or bad credentials), 404 (not found or outside the
caller's scope: the same body either way) and 422 (a parameter or body field that is not valid, with one
entry per field); unsafe methods also declare 403 (role, CSRF). A path that matches no route answers a
JSON 404, a method a route does not serve a JSON 405, and an unexpected error a JSON 500 (logged).
"""

from __future__ import annotations

import logging
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpResponseNotAllowed, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from phoihop.core.db_timeout import cut_off_by_timeout, timeout_message

log = logging.getLogger("django.request")

UNSAFE_METHODS = {"post", "put", "patch", "delete"}


def not_found_detail() -> str:
    return _("Không tìm thấy.")


def unauthenticated_detail() -> str:
    return _(
        "Chưa xác thực: hãy gửi mã truy cập trong tiêu đề 'Authorization: Bearer <mã>' "
        "hoặc đăng nhập trang quản trị."
    )


def forbidden_detail() -> str:
    return _("Vai trò của bạn không được làm việc này.")


def _json(status: int, detail: str, **extra) -> JsonResponse:
    return JsonResponse(
        {"detail": detail, **extra},
        status=status,
        content_type="application/json; charset=utf-8",
        json_dumps_params={"ensure_ascii": False},
    )


def install(api: NinjaAPI) -> None:
    def respond(request, status: int, detail: str, **extra):
        return api.create_response(request, {"detail": detail, **extra}, status=status)

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return respond(request, 404, not_found_detail())

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request, exc):
        response = respond(request, 401, unauthenticated_detail())
        response["WWW-Authenticate"] = 'Bearer realm="phoihop"'
        return response

    @api.exception_handler(PermissionDenied)
    def forbidden(request, exc):
        return respond(request, 403, str(exc) or forbidden_detail())

    @api.exception_handler(HttpError)
    def http_error(request, exc):
        if exc.status_code == 403 and "CSRF" in str(exc):
            detail = _("Thiếu hoặc sai mã CSRF: yêu cầu ghi từ trình duyệt cần mã CSRF của phiên đăng nhập.")
        elif exc.status_code == 403:
            detail = forbidden_detail()
        elif exc.status_code == 429:
            detail = _("Quá nhiều yêu cầu; hãy thử lại sau.")
        elif exc.status_code == 400 and str(exc).startswith("Cannot parse request body"):
            # django-ninja's own message for a body that is not JSON
            detail = _("Không đọc được nội dung gửi lên: cần một đối tượng JSON hợp lệ (UTF-8).")
        else:
            detail = str(exc)
        return respond(request, exc.status_code, detail)

    @api.exception_handler(NinjaValidationError)
    def invalid_request(request, exc):
        errors = []
        for error in exc.errors:
            loc = [str(part) for part in error.get("loc", ()) if part not in ("query", "path", "body")]
            field = ".".join(loc) or "?"
            errors.append(
                {
                    "field": field,
                    "message": _("Tham số '%(field)s': giá trị không hợp lệ.") % {"field": field},
                    "reason": error.get("msg", ""),
                }
            )
        return respond(request, 422, _("Dữ liệu gửi lên không hợp lệ."), errors=errors)

    @api.exception_handler(DjangoValidationError)
    def rejected(request, exc):
        errors = (
            [{"field": f, "message": m} for f, msgs in exc.message_dict.items() for m in msgs]
            if hasattr(exc, "error_dict")
            else [{"field": None, "message": m} for m in exc.messages]
        )
        return respond(request, 422, "; ".join(e["message"] for e in errors), errors=errors)

    @api.exception_handler(Exception)
    def server_error(request, exc):
        if cut_off_by_timeout(exc):  # the web requests' statement_timeout (core.db_timeout)
            return respond(request, 503, timeout_message())
        # Logged like Django's own 500s, answered in JSON like every other API answer.
        log.error("Internal Server Error: %s", request.path, exc_info=exc, extra={"request": request})
        return respond(request, 500, _("Lỗi hệ thống; hãy thử lại sau ít phút."))

    _declare_errors(api)


# -- the OpenAPI document ---------------------------------------------------------------------------------
ERROR_SCHEMA = {
    "title": "Error",
    "type": "object",
    "properties": {"detail": {"type": "string", "description": "Thông báo lỗi bằng tiếng Việt"}},
    "required": ["detail"],
}
INVALID_SCHEMA = {
    "title": "Invalid",
    "type": "object",
    "properties": {
        "detail": {"type": "string", "description": "Thông báo lỗi bằng tiếng Việt"},
        "errors": {
            "type": "array",
            "description": "Một mục cho mỗi trường sai",
            "items": {
                "type": "object",
                "properties": {
                    "field": {"anyOf": [{"type": "string"}, {"type": "null"}]},
                    "message": {"type": "string"},
                    "reason": {"type": "string"},
                },
                "required": ["field", "message"],
            },
        },
    },
    "required": ["detail", "errors"],
}


def _response(description: str, schema_name: str) -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema_name}"}}},
    }


def error_responses(method: str) -> dict[str, dict]:
    """The error answers every operation may give (a route's own declaration of a status wins)."""
    responses = {
        "400": _response("Nội dung gửi lên không đọc được", "ApiError"),
        "401": _response("Chưa xác thực", "ApiError"),
        "404": _response("Không tìm thấy, hoặc ngoài phạm vi của người gọi", "ApiError"),
        "422": _response("Tham số hoặc trường không hợp lệ", "ApiInvalid"),
        "503": _response("Yêu cầu quá lâu, đã bị dừng (thu hẹp phạm vi rồi thử lại)", "ApiError"),
    }
    if method.lower() in UNSAFE_METHODS:
        responses["403"] = _response("Vai trò không được phép, hoặc thiếu mã CSRF", "ApiError")
    return responses


def _declare_errors(api: NinjaAPI) -> None:
    build = api.get_openapi_schema

    @wraps(build)
    def get_openapi_schema(*args, **kwargs):
        schema = build(*args, **kwargs)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components.setdefault("ApiError", ERROR_SCHEMA)
        components.setdefault("ApiInvalid", INVALID_SCHEMA)
        for operations in schema.get("paths", {}).values():
            for method, operation in operations.items():
                if not isinstance(operation, dict) or "responses" not in operation:
                    continue
                declared = operation["responses"]
                for status, response in error_responses(method).items():
                    if status == "422" and status in declared:
                        declared[status] = response  # one shape for every 422, field by field
                    declared.setdefault(status, response)
        return schema

    api.get_openapi_schema = get_openapi_schema


# -- answers outside any route ----------------------------------------------------------------------------
@csrf_exempt  # a POST to no route is a 404, not Django's HTML CSRF page
def unmatched(request, path: str = ""):
    """A path under /api/v1/ that no route matches (e.g. a code with a line break in it)."""
    return _json(404, not_found_detail())


def json_method_errors(view):
    """A route's view whose 405 (a method it does not serve) comes back as JSON, with its Allow header,
    and whose 404 outside the operations (django-ninja's docs root, switched off) too."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            response = view(request, *args, **kwargs)
        except Http404:
            return _json(404, not_found_detail())
        if isinstance(response, HttpResponseNotAllowed):
            allowed = response["Allow"]
            response = _json(
                405, _("Phương thức %(method)s không dùng được ở đây.") % {"method": request.method}
            )
            response["Allow"] = allowed
        return response

    return wrapped
