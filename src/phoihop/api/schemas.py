"""The API's input and output shapes, declared explicitly (nothing is serialised from a model directly)."""

from datetime import date
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import StringConstraints

# A code as the workbook allows it: up to 64 characters, none of them NUL (PostgreSQL refuses NUL in text,
# so it is turned away here as bad input rather than reaching the database).
NO_NUL = r"^[^\x00]*$"
Code = Annotated[str, StringConstraints(max_length=64, pattern=NO_NUL)]


class Error(Schema):
    detail: str = Field(..., description="Thông báo lỗi bằng tiếng Việt")


class UnitRef(Schema):
    code: str
    name: str
    kind: str


class EnterpriseRef(Schema):
    code: str
    name: str


class UnitOut(Schema):
    code: str
    name: str
    kind: str
    kind_label: str
    tree: Literal["union", "party"]
    founded_on: date | None
    dissolved_on: date | None
    exists_today: bool
    area: str
    enterprise: EnterpriseRef | None
    parent: UnitRef | None = Field(None, description="Cấp trên hôm nay, nếu trong phạm vi của người gọi")
    merged_into: UnitRef | None = Field(None, description="Đơn vị tiếp nhận, nếu trong phạm vi")


class ChildOut(UnitRef):
    founded_on: date | None
    dissolved_on: date | None
    enterprise: EnterpriseRef | None


class ChildrenOut(Schema):
    unit: UnitRef
    on: date
    children: list[ChildOut]


MAX_PAGE = 1_000_000  # beyond it the offset overflows SQLite's integers (a 500 before)


class PageIn(Schema):
    page: int = Field(1, ge=1, le=MAX_PAGE)
    page_size: int = Field(50, ge=1, le=200)


class PeopleIn(PageIn):
    on: date | None = Field(
        None,
        description="Nếu có: chỉ người là đoàn viên vào ngày này, ở công đoàn cơ sở thuộc đơn vị vào ngày đó. "
        "Nếu không: mọi người có công đoàn cơ sở từng thuộc đơn vị.",
    )
    q: str = Field(
        "", max_length=100, pattern=NO_NUL, description="Tìm theo tên (không dấu cũng được) hoặc mã"
    )


class PersonItem(Schema):
    code: str
    full_name: str
    grassroots_union: UnitRef | None
    enterprise: EnterpriseRef | None
    union_joined_on: date | None
    union_left_on: date | None


class PeoplePage(Schema):
    count: int = Field(description="Số người, đếm tối đa đến 10.001 (xem count_capped)")
    count_capped: bool = Field(False, description="Đúng khi có hơn 10.000 người: count chỉ là cận dưới")
    page: int
    page_size: int
    items: list[PersonItem]


class ReferralOut(Schema):
    referred_on: date
    referring_unit: UnitRef
    receiving_party_unit: UnitRef | None


class TrainingOut(Schema):
    code: str
    name: str
    organiser: UnitRef
    starts_on: date
    ends_on: date | None


class AdmissionOut(Schema):
    access: Literal["full", "fact"] = Field(
        ...,
        description="full: bên đảng quản lý kết nạp; fact: đơn vị đã giới thiệu, chỉ biết đã kết nạp và ngày",
    )
    admitted: bool
    admitted_on: date
    party_unit: UnitRef | None = None
    decision_no: str | None = None
    full_member_on: date | None = None


class HistoryOut(Schema):
    starts_on: date = Field(..., description="Từ ngày (sheet qua_trinh, tu_ngay)")
    grassroots_union: UnitRef | None
    enterprise: EnterpriseRef | None
    reason: str


class MoveOut(Schema):
    id: int
    person: str
    moved_on: date
    from_union: UnitRef
    to_union: UnitRef
    status: str = Field(..., description="cho (chờ tiếp nhận), nhan (đã tiếp nhận), tu_choi (từ chối)")
    refusal_reason: str


class MoveIn(Schema):
    moved_on: date
    to_union: Code = Field(..., description="Mã công đoàn cơ sở tiếp nhận")
    to_enterprise: Code | None = Field(None, description="Mã doanh nghiệp nơi làm việc mới (không bắt buộc)")


class MoveDecisionIn(Schema):
    accept: bool
    reason: str = Field("", max_length=300, pattern=NO_NUL, description="Lý do, bắt buộc khi từ chối")


class PersonOut(Schema):
    code: str
    full_name: str
    personal_data_shown: bool = Field(
        ..., description="Ngày sinh, giới tính, dân tộc, số CCCD chỉ hiện cho đơn vị quản lý hồ sơ"
    )
    cccd: str | None = Field(None, description="Số CCCD (dữ liệu cá nhân)")
    birth_date: date | None
    gender: str | None
    ethnicity: str | None
    is_business_owner: bool
    enterprise: EnterpriseRef | None
    grassroots_union: UnitRef | None
    union_joined_on: date | None
    union_left_on: date | None
    history: list[HistoryOut] = Field(
        default_factory=list,
        description="Quá trình sinh hoạt công đoàn và nơi làm việc; đơn vị cũ chỉ thấy đoạn của mình",
    )
    moves: list[MoveOut] = Field(default_factory=list)
    referrals: list[ReferralOut]
    trainings: list[TrainingOut]
    admission: AdmissionOut | None = Field(
        None, description="null khi người gọi không được biết thông tin kết nạp (hoặc chưa kết nạp)"
    )


class EnterpriseOut(Schema):
    code: str
    name: str
    tax_code: str
    ownership: str
    ownership_label: str
    is_non_state: bool
    area: str
    workforce: int | None
    units: list[UnitRef]


class MeOut(Schema):
    username: str
    role: str
    unit: UnitRef | None


class TransferIn(Schema):
    new_parent: Code = Field(..., description="Mã đơn vị cấp trên mới")
    effective_on: date
    decision_no: str = Field("", max_length=100, pattern=NO_NUL)


class TransferOut(Schema):
    unit: UnitRef
    new_parent: UnitRef
    effective_on: date
    decision_no: str


RecordValue = bool | int | Annotated[str, StringConstraints(max_length=2000, pattern=NO_NUL)] | None


class RecordIn(Schema):
    kind: str = Field(
        ...,
        max_length=40,
        description="Loại hồ sơ, như đường dẫn trang nhập liệu: nguoi, qua-trinh, gioi-thieu, lop-boi-duong, "
        "hoc-vien, ket-nap, cong-trinh, sang-kien, hoi-thi, khen-thuong, van-hoa, dan-chu, an-sinh, chuong-trinh",
    )
    key: Code | None = Field(None, description="Mã (hoặc số thứ tự) của hồ sơ cần sửa; bỏ trống để thêm mới")
    values: dict[Annotated[str, StringConstraints(max_length=64)], RecordValue] = Field(
        ...,
        description="Giá trị theo tên trường của trang nhập liệu: ngày dạng 2021-03-15 hoặc 15/03/2021, "
        "đơn vị/người/doanh nghiệp theo mã, tác giả là các mã cách nhau bởi dấu ;. Khi sửa, trường không gửi "
        "giữ giá trị cũ. Quy tắc và thông báo lỗi như trang nhập liệu và sổ dữ liệu.",
    )


class RecordOut(Schema):
    kind: str
    key: str = Field(..., description="Khóa của hồ sơ như sổ dữ liệu và nhật ký ghi")
    created: bool
