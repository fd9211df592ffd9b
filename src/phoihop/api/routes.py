"""The endpoints: thin — parse, look up through the caller's scope, call a selector or service."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from phoihop.accounts.scope import scope_for
from phoihop.core.client_ip import client_ip
from phoihop.orgs import services as orgs_services
from phoihop.orgs.models import Enterprise, Unit
from phoihop.records import moves
from phoihop.records.models import Person
from phoihop.records.selectors import person_detail

from . import schemas as s
from . import selectors

# 400, 401, 404 and 422 are declared for every operation by api/errors.py; a route names only the rest.
router = Router()


def _ip(request) -> str | None:
    return client_ip(request)  # X-Forwarded-For only from a trusted proxy (core.client_ip)


def _require(request, action: str) -> None:
    if not request.user.can(action):
        raise PermissionDenied(_("Vai trò của bạn không được làm việc này."))


@router.get("/me", response={200: s.MeOut}, url_name="me", tags=["tài khoản"])
def me(request):
    """Tài khoản đang gọi API và đơn vị (phạm vi) của nó."""
    user = request.user
    return {"username": user.get_username(), "role": user.role, "unit": selectors.unit_ref(user.unit)}


@router.get(
    "/units/{path:code}/children",
    response={200: s.ChildrenOut},
    url_name="unit_children",
    tags=["đơn vị"],
)
def unit_children(request, code: s.Code, on: date | None = None):
    """Các đơn vị trực thuộc vào một ngày (mặc định hôm nay), theo cấp trên của ngày đó."""
    scope = scope_for(request.user)
    unit = scope.get_unit_or_404(code)
    return selectors.children_out(scope, unit, on=on or timezone.localdate())


@router.get(
    "/units/{path:code}/people",
    response={200: s.PeoplePage, 403: s.Error},
    url_name="unit_people",
    tags=["đơn vị"],
)
def unit_people(request, code: s.Code, params: Query[s.PeopleIn]):
    """Người có công đoàn cơ sở thuộc đơn vị (trong phạm vi người gọi), theo trang. Mỗi lần đọc được ghi nhật ký."""
    scope = scope_for(request.user)
    unit = scope.get_unit_or_404(code)
    _require(request, "read")
    people = selectors.people_of_unit(scope, unit, on=params.on, query=params.q)
    return selectors.page_of_people(
        people, page=params.page, page_size=params.page_size, actor=request.user, ip_address=_ip(request)
    )


@router.post(
    "/units/{path:code}/transfers",
    response={201: s.TransferOut, 403: s.Error},
    url_name="unit_transfer",
    tags=["đơn vị"],
)
def unit_transfer(request, code: s.Code, payload: s.TransferIn):
    """Điều chuyển đơn vị sang cấp trên mới từ ngày hiệu lực (quản trị, quản lý)."""
    scope = scope_for(request.user)
    unit = scope.get_unit_or_404(code)
    _require(request, "manage_units")
    try:
        new_parent = scope.get_unit_or_404(payload.new_parent)
    except Http404:
        raise ValidationError(
            {
                "new_parent": _("Đơn vị cấp trên mới: không có đơn vị mã '%(code)s' trong phạm vi của bạn.")
                % {"code": payload.new_parent}
            }
        ) from None
    move = orgs_services.transfer_unit(
        actor=request.user,
        unit=unit,
        new_parent=new_parent,
        on=payload.effective_on,
        decision_no=payload.decision_no,
    )
    return Status(
        201,
        {
            "unit": selectors.unit_ref(unit),
            "new_parent": selectors.unit_ref(new_parent),
            "effective_on": move.effective_on,
            "decision_no": move.decision_no,
        },
    )


@router.get("/units/{path:code}", response={200: s.UnitOut}, url_name="unit_detail", tags=["đơn vị"])
def unit_detail(request, code: s.Code):
    """Một đơn vị: loại, ngày thành lập/giải thể, doanh nghiệp, cấp trên hôm nay."""
    scope = scope_for(request.user)
    return selectors.unit_out(scope, scope.get_unit_or_404(code))


@router.post(
    "/people/{path:code}/moves",
    response={201: s.MoveOut, 403: s.Error},
    url_name="person_move",
    tags=["người"],
)
def person_move(request, code: s.Code, payload: s.MoveIn):
    """Chuyển đi: công đoàn đang quản lý người này ghi một lần chuyển sinh hoạt. Công đoàn tiếp nhận ngoài
    phạm vi người gọi sẽ tiếp nhận hoặc từ chối (trạng thái "cho"); trong cùng phạm vi là xong ngay."""
    scope = scope_for(request.user)
    found = scope.get_or_404(Person.objects.all(), code=code)
    _require(request, "write")
    target = Unit.objects.filter(code=payload.to_union).first()
    if target is None:
        raise ValidationError({"to_union": _("Không có đơn vị mã %(code)s.") % {"code": payload.to_union}})
    workplace = None
    if payload.to_enterprise:
        workplace = Enterprise.objects.filter(code=payload.to_enterprise).first()
        if workplace is None:
            raise ValidationError(
                {"to_enterprise": _("Không có doanh nghiệp mã %(code)s.") % {"code": payload.to_enterprise}}
            )
    try:
        move = moves.record_move(
            actor=request.user,
            person=found,
            moved_on=payload.moved_on,
            to_union=target,
            to_enterprise=workplace,
        )
    except moves.MoveError as bad:
        raise ValidationError({"moved_on": str(bad)}) from None
    return Status(201, selectors.move_out(move))


@router.post(
    "/moves/{int:move_id}/decision",
    response={200: s.MoveOut, 403: s.Error},
    url_name="move_decision",
    tags=["người"],
)
def move_decision(request, move_id: int, payload: s.MoveDecisionIn):
    """Công đoàn tiếp nhận trả lời một lần chuyển đang chờ: tiếp nhận, hoặc từ chối kèm lý do."""
    try:
        if payload.accept:
            move = moves.accept_move(actor=request.user, move_id=move_id)
        else:
            move = moves.refuse_move(actor=request.user, move_id=move_id, reason=payload.reason)
    except moves.MoveError as bad:
        raise ValidationError({"reason" if not payload.accept else "move": str(bad)}) from None
    return selectors.move_out(move)


@router.get("/people/{path:code}", response={200: s.PersonOut}, url_name="person_detail", tags=["người"])
def person(request, code: s.Code):
    """Hồ sơ một người. Thông tin kết nạp đảng chỉ đầy đủ với bên đảng quản lý; đơn vị đã giới thiệu chỉ
    biết đã kết nạp và ngày. Mỗi lần đọc được ghi nhật ký."""
    detail = person_detail(user=request.user, code=code, ip_address=_ip(request))
    return selectors.person_out(detail)


@router.get(
    "/enterprises/{path:code}",
    response={200: s.EnterpriseOut},
    url_name="enterprise_detail",
    tags=["doanh nghiệp"],
)
def enterprise(request, code: s.Code):
    """Một doanh nghiệp và các tổ chức công đoàn, đảng trong đó (trong phạm vi người gọi)."""
    scope = scope_for(request.user)
    try:
        found = scope.enterprises().get(code=code)
    except Enterprise.DoesNotExist as missing:
        raise Http404 from missing
    return selectors.enterprise_out(scope, found)
