"""The REST API under /api/v1/ (OpenAPI document at /api/v1/openapi.json)."""

from ninja import NinjaAPI
from ninja.renderers import JSONRenderer

from phoihop.periods.api import router as periods_router

from . import errors
from .auth import auth_methods
from .record_routes import router as records_router
from .routes import router


class Renderer(JSONRenderer):
    json_dumps_params = {"ensure_ascii": False}  # Vietnamese stays readable in the body


api = NinjaAPI(
    renderer=Renderer(),
    title="phoihop API",
    version="1",
    description="API của hệ thống phối hợp Công đoàn – Đảng. Xác thực: 'Authorization: Bearer <mã truy cập>' "
    "(phoihop user token TÊN) hoặc phiên đăng nhập (yêu cầu ghi cần mã CSRF). Mọi dữ liệu giới hạn trong "
    "phạm vi đơn vị của người gọi; ngoài phạm vi trả 404 như không tồn tại.",
    auth=auth_methods(),
    urls_namespace="api",
    # The interactive docs page loads scripts from a CDN, which the Content-Security-Policy forbids.
    docs_url=None,
)
errors.install(api)
api.add_router("", router)
api.add_router("", records_router)  # writing records, with the rules of the pages (records.rules)
api.add_router("", periods_router)  # period reports (periods.md)
