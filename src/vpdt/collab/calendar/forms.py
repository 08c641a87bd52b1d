"""Forms of the calendar screens. They only parse input; the rules live in services. A participant is chosen in
one select of units and people, coded ``u:<id>`` (a unit) or ``p:<id>`` (a person)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from vpdt.core.dates import DateField
from vpdt.core.i18n import field_errors as _errors
from vpdt.core.i18n import lazy_format
from vpdt.core.widgets import DateInput
from vpdt.directory import members
from vpdt.directory.models import Unit

from . import services
from .models import Frequency, ParticipantRole, Reminder


def _line(label, limit, required=False, **attrs):
    return forms.CharField(
        label=label,
        max_length=limit,
        required=required,
        error_messages=_errors(label, limit),
        widget=forms.TextInput(attrs={"class": "form-control", **attrs}),
    )


def _time(label):
    return forms.TimeField(
        label=label,
        input_formats=["%H:%M", "%H:%M:%S", "%Hh%M", "%Hh"],
        error_messages=_errors(label),
        widget=forms.TimeInput(format="%H:%M", attrs={"class": "form-control", "type": "time"}),
    )


def _ids(raw: str, label: str) -> list[int]:
    ids = []
    for part in (raw or "").replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        if not part.isdigit() or len(part) > 18:
            raise forms.ValidationError(
                gettext("%(label)s: “%(part)s” không phải là mã số.") % {"label": label, "part": part[:20]}
            )
        ids.append(int(part))
    return ids


def _parts_field(label, testid):
    return forms.MultipleChoiceField(
        label=label,
        required=False,
        error_messages=_errors(label),
        widget=forms.SelectMultiple(attrs={"class": "form-select", "size": 6, "data-testid": testid}),
    )


class EntryForm(forms.Form):
    calendar = forms.ChoiceField(
        label=_("Lịch"),
        error_messages=_errors(_("Lịch")),
        widget=forms.Select(attrs={"class": "form-select", "data-testid": "calendar"}),
    )
    title = forms.CharField(
        label=_("Nội dung"),
        max_length=services.TITLE_MAX,
        error_messages=_errors(_("Nội dung"), services.TITLE_MAX),
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 2, "data-testid": "title"}),
    )
    day = DateField(label=_("Ngày"), error_messages=_errors(_("Ngày")), widget=DateInput(attrs={"data-testid": "day"}))
    start = _time(_("Từ giờ"))
    end = _time(_("Đến giờ"))
    chair = forms.ChoiceField(
        label=pgettext_lazy("meeting", "Chủ trì"),
        error_messages=_errors(pgettext_lazy("meeting", "Chủ trì")),
        widget=forms.Select(attrs={"class": "form-select", "data-testid": "chair"}),
    )
    attend = _parts_field(_("Thành phần tham dự"), "attend")
    prepare = _parts_field(_("Chuẩn bị"), "prepare")
    conclude = _parts_field(_("Viết kết luận"), "conclude")
    room = forms.ChoiceField(
        label=_("Phòng họp"),
        required=False,
        error_messages=_errors(_("Phòng họp")),
        widget=forms.Select(attrs={"class": "form-select", "data-testid": "room"}),
    )
    place = _line(_("Địa điểm (khi không dùng phòng họp của cơ quan)"), services.PLACE_MAX)
    video_url = _line(_("Đường dẫn họp trực tuyến"), services.URL_MAX, inputmode="url")
    description = forms.CharField(
        label=_("Ghi chú"),
        max_length=services.TEXT_MAX,
        required=False,
        error_messages=_errors(_("Ghi chú"), services.TEXT_MAX),
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 3}),
    )
    remind_minutes = forms.TypedChoiceField(
        label=_("Nhắc lịch"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("Không nhắc")), *Reminder.choices],
        error_messages=_errors(_("Nhắc lịch")),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    is_public = forms.BooleanField(label=_("Công khai trên cổng thông tin"), required=False)
    frequency = forms.ChoiceField(
        label=_("Lặp lại"),
        required=False,
        choices=[("", _("Không lặp lại")), *Frequency.choices],
        error_messages=_errors(_("Lặp lại")),
        widget=forms.Select(attrs={"class": "form-select", "data-testid": "frequency"}),
    )
    until = DateField(
        label=_("Lặp lại đến ngày"), required=False, error_messages=_errors(_("Ngày kết thúc lặp")), widget=DateInput()
    )
    count = forms.IntegerField(
        label=_("hoặc số lần"),
        required=False,
        min_value=2,
        max_value=services.MAX_OCCURRENCES,
        error_messages={
            **_errors(_("Số lần lặp")),
            "min_value": _("Số lần lặp từ 2 trở lên."),
            "max_value": lazy_format(_("Số lần lặp tối đa %(count)s."), count=services.MAX_OCCURRENCES),
        },
        widget=forms.NumberInput(attrs={"class": "form-control", "inputmode": "numeric"}),
    )
    incoming_ids = _line(_("Văn bản đến liên quan (mã, cách nhau bởi dấu phẩy)"), 200, inputmode="numeric")
    outgoing_ids = _line(_("Văn bản đi liên quan (mã, cách nhau bởi dấu phẩy)"), 200, inputmode="numeric")
    dossier_ids = _line(_("Hồ sơ liên quan (mã, cách nhau bởi dấu phẩy)"), 200, inputmode="numeric")
    confirm = forms.BooleanField(label=_("Vẫn đăng ký dù có người trùng lịch"), required=False)

    def __init__(self, actor, *args, calendars=(), rooms=None, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        agency_id = calendars[0].agency.pk if calendars else None
        self.calendars = {c.key: c for c in calendars}
        self.fields["calendar"].choices = [(c.key, c.name) for c in calendars]
        people = members.members(agency_id).order_by("full_name", "pk") if agency_id else []
        self.people = {p.pk: p for p in people}
        self.units = {u.pk: u for u in Unit.objects.filter(agency_id=agency_id, is_active=True).order_by("name", "pk")}
        self.fields["chair"].choices = [("", gettext("— Chọn người chủ trì —"))] + [
            (str(p.pk), p.full_name) for p in self.people.values()
        ]
        choices = [(f"u:{u.pk}", gettext("Đơn vị: %(unit)s") % {"unit": u.name}) for u in self.units.values()] + [
            (f"p:{p.pk}", p.full_name) for p in self.people.values()
        ]
        for name in ("attend", "prepare", "conclude"):
            self.fields[name].choices = choices
        self.rooms = {r.pk: r for r in (rooms if rooms is not None else [])}
        self.fields["room"].choices = [("", gettext("— Không dùng phòng họp —"))] + [
            (str(r.pk), r.name + (gettext(" (%(capacity)s chỗ)") % {"capacity": r.capacity} if r.capacity else ""))
            for r in self.rooms.values()
        ]
        if editing:
            for name in ("calendar", "frequency", "until", "count"):
                del self.fields[name]

    def _pick(self, code: str):
        kind, _, pk = code.partition(":")
        pk = int(pk) if pk.isdigit() and len(pk) < 19 else None
        if kind == "u" and pk in self.units:
            return None, self.units[pk]
        if kind == "p" and pk in self.people:
            return self.people[pk], None
        raise forms.ValidationError(gettext("Lựa chọn không hợp lệ."))

    def _parts(self, name: str, role: str) -> list:
        return [services.Part(role, *self._pick(code)) for code in self.cleaned_data.get(name) or []]

    def clean_calendar(self):
        return self.calendars[self.cleaned_data["calendar"]]

    def clean_chair(self):
        value = self.cleaned_data["chair"]
        if not value.isdigit() or int(value) not in self.people:
            raise forms.ValidationError(gettext("Chủ trì: lựa chọn không hợp lệ."))
        return self.people[int(value)]

    def clean_room(self):
        value = self.cleaned_data.get("room") or ""
        if not value:
            return None
        if not value.isdigit() or int(value) not in self.rooms:
            raise forms.ValidationError(gettext("Phòng họp: lựa chọn không hợp lệ."))
        return self.rooms[int(value)]

    def clean_incoming_ids(self):
        return _ids(self.cleaned_data.get("incoming_ids"), gettext("Văn bản đến"))

    def clean_outgoing_ids(self):
        return _ids(self.cleaned_data.get("outgoing_ids"), gettext("Văn bản đi"))

    def clean_dossier_ids(self):
        return _ids(self.cleaned_data.get("dossier_ids"), gettext("Hồ sơ"))

    def arguments(self) -> dict:
        data = self.cleaned_data
        try:
            parts = (
                self._parts("attend", ParticipantRole.ATTEND)
                + self._parts("prepare", ParticipantRole.PREPARE)
                + self._parts("conclude", ParticipantRole.CONCLUDE)
            )
        except forms.ValidationError as exc:
            raise services.ValidationError({"participants": exc.messages}) from None
        args = {
            "title": data["title"],
            "day": data["day"],
            "start": data["start"],
            "end": data["end"],
            "chair": data["chair"],
            "participants": parts,
            "room": data.get("room"),
            "place": data.get("place", ""),
            "video_url": data.get("video_url", ""),
            "description": data.get("description", ""),
            "is_public": data.get("is_public", False),
            "remind_minutes": data.get("remind_minutes"),
            "incoming_ids": data.get("incoming_ids") or [],
            "outgoing_ids": data.get("outgoing_ids") or [],
            "dossier_ids": data.get("dossier_ids") or [],
            "confirm": data.get("confirm", False),
        }
        if "frequency" in self.fields and data.get("frequency"):
            args["recurrence"] = services.Recurrence(
                data["frequency"], until=data.get("until"), count=data.get("count")
            )
        return args


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do"),
        max_length=services.REASON_MAX,
        error_messages=_errors(_("Lý do"), services.REASON_MAX),
        widget=forms.TextInput(attrs={"class": "form-control", "data-testid": "reason"}),
    )
    whole_series = forms.BooleanField(label=_("Áp dụng cho các buổi sau của chuỗi lặp"), required=False)


class SeriesForm(forms.Form):
    whole_series = forms.BooleanField(label=_("Áp dụng cho các buổi sau của chuỗi lặp"), required=False)


class RoomForm(forms.Form):
    name = _line(_("Tên phòng họp"), 200, required=True)
    location = _line(_("Vị trí"), 300)
    capacity = forms.IntegerField(
        label=_("Sức chứa (người)"),
        required=False,
        min_value=1,
        max_value=5000,
        error_messages={
            **_errors(_("Sức chứa")),
            "min_value": _("Sức chứa từ 1."),
            "max_value": _("Sức chứa tối đa 5000."),
        },
        widget=forms.NumberInput(attrs={"class": "form-control", "inputmode": "numeric"}),
    )
    equipment = _line(_("Trang thiết bị"), 300)
    is_active = forms.BooleanField(label=_("Đang sử dụng"), required=False, initial=True)


class GrantForm(forms.Form):
    grantee = forms.ChoiceField(
        label=_("Người được giao"),
        error_messages=_errors(_("Người được giao")),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    calendar = forms.ChoiceField(
        label=_("Quản lý lịch"),
        error_messages=_errors(_("Lịch")),
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args, calendars=(), **kwargs):
        super().__init__(*args, **kwargs)
        agency_id = calendars[0].agency.pk if calendars else None
        self.people = {p.pk: p for p in members.members(agency_id).order_by("full_name", "pk")} if agency_id else {}
        self.calendars = {c.key: c for c in calendars}
        self.fields["grantee"].choices = [("", gettext("— Chọn người —"))] + [
            (str(p.pk), p.full_name) for p in self.people.values()
        ]
        self.fields["calendar"].choices = [
            (c.key, gettext("Mọi lịch của cơ quan (văn phòng)") if c.key == "co-quan" else c.name) for c in calendars
        ]

    def clean_grantee(self):
        value = self.cleaned_data["grantee"]
        if not value.isdigit() or int(value) not in self.people:
            raise forms.ValidationError(gettext("Người được giao: lựa chọn không hợp lệ."))
        return self.people[int(value)]

    def clean_calendar(self):
        return self.calendars[self.cleaned_data["calendar"]]
