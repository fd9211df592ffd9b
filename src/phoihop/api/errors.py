"""Every error the API returns is mapped here, once, to a status and a Vietnamese `detail`.

A unit, person or enterprise outside the caller's scope gets exactly the same 404 body as one that
does not exist.
"""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError


def not_found_detail() -> str:
    return _("Không tìm thấy.")


def unauthenticated_detail() -> str:
    return _(
        "Chưa xác thực: hãy gửi mã truy cập trong tiêu đề 'Authorization: Bearer <mã>' "
        "hoặc đăng nhập trang quản trị."
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
        return respond(request, 403, str(exc) or _("Vai trò của bạn không được làm việc này."))

    @api.exception_handler(HttpError)
    def http_error(request, exc):
        if exc.status_code == 403 and "CSRF" in str(exc):
            detail = _("Thiếu hoặc sai mã CSRF: yêu cầu ghi từ trình duyệt cần mã CSRF của phiên đăng nhập.")
        elif exc.status_code == 403:
            detail = _("Vai trò của bạn không được làm việc này.")
        elif exc.status_code == 429:
            detail = _("Quá nhiều yêu cầu; hãy thử lại sau.")
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
