"""Writing records through the API: one operation for every kind, over the staff pages' forms (see
api/services.py), so a record is refused here exactly when the page or the workbook refuses it."""

from ninja import Router, Status

from phoihop.core.client_ip import client_ip
from phoihop.records.services import audit_code

from . import schemas as s
from .services import save_record

router = Router()


@router.post(
    "/records",
    response={200: s.RecordOut, 201: s.RecordOut, 403: s.Error},
    url_name="record_write",
    tags=["hồ sơ"],
)
def record_write(request, payload: s.RecordIn):
    """Thêm (không có key) hoặc sửa một hồ sơ (biên tập, quản lý, quản trị), trong phạm vi người gọi. Quy
    tắc kiểm tra (ngày hợp lệ, thứ tự các ngày, trường bắt buộc) và thông báo lỗi giống trang nhập liệu và
    sổ dữ liệu; lỗi trả 422 với từng trường."""
    record, created = save_record(
        actor=request.user,
        kind=payload.kind,
        key=payload.key,
        values=payload.values,
        ip_address=client_ip(request),
    )
    body = {"kind": payload.kind, "key": audit_code(record), "created": created}
    return Status(201 if created else 200, body)
