from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from vpdt.core.authz import manageable, scope_of, visible
from vpdt.core.pagination import page_of, query_without_cursor
from vpdt.core.params import int_param

from . import services
from .forms import LEVEL_CHOICES, AgencyForm, PositionForm, UnitForm
from .models import Agency, Position, Unit


def _posted(request):
    """The submitted data on POST (even when empty, so missing fields are reported), else None."""
    return request.POST if request.method == "POST" else None


def _apply_errors(form, exc: ValidationError):
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@login_required
def agency_list(request):
    qs = visible(Agency, request.user)
    q = request.GET.get("q", "").strip()
    level = request.GET.get("level", "")
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(code__icontains=q) | Q(short_name__iexact=q))
    if int_param(level) is not None:
        qs = qs.filter(level=int_param(level))
    page = page_of(request, qs, order=("path", "id"), default=100)
    return render(
        request,
        "directory/agency_list.html",
        {
            "page": page,
            "query": query_without_cursor(request),
            "q": q,
            "level": level,
            "levels": LEVEL_CHOICES,
            "can_create": scope_of(request.user).is_superuser or bool(scope_of(request.user).province_path),
        },
    )


@login_required
def agency_detail(request, pk):
    agency = get_object_or_404(visible(Agency, request.user), pk=pk)
    units = visible(Unit, request.user).filter(agency=agency).order_by("name")
    children = Agency.objects.get_children(agency).order_by("name")
    return render(
        request,
        "directory/agency_detail.html",
        {
            "agency": agency,
            "units": units,
            "children": children,
            "parent": Agency.objects.get_parent(agency),
            "can_manage": manageable(Agency, request.user).filter(pk=pk).exists(),
            "people": visible(get_user_model(), request.user).filter(agency=agency).order_by("full_name")[:200],
        },
    )


@login_required
def agency_create(request):
    form = AgencyForm(request.user, _posted(request), creating=True)
    if not form.fields["parent"].queryset.exists() and not request.user.is_superuser:
        raise PermissionDenied("Bạn không có quyền thêm cơ quan.")
    if request.method == "POST" and form.is_valid():
        data = {f: form.cleaned_data[f] for f in services.AGENCY_FIELDS}
        try:
            agency = services.create_agency(request.user, form.cleaned_data.get("parent"), **data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Đã thêm cơ quan {agency.name}.")
            return redirect("directory:agency_detail", agency.pk)
    return render(request, "directory/agency_form.html", {"form": form, "creating": True})


@login_required
def agency_edit(request, pk):
    agency = get_object_or_404(manageable(Agency, request.user), pk=pk)
    form = AgencyForm(request.user, _posted(request), instance=Agency.objects.get(pk=pk))
    if request.method == "POST" and form.is_valid():
        data = {f: form.cleaned_data[f] for f in services.AGENCY_FIELDS if f in form.cleaned_data}
        try:
            services.update_agency(request.user, agency, **data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, "Đã lưu thông tin cơ quan.")
            return redirect("directory:agency_detail", agency.pk)
    return render(request, "directory/agency_form.html", {"form": form, "agency": agency})


@login_required
def unit_list(request):
    qs = visible(Unit, request.user).select_related("agency", "parent")
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(short_name__iexact=q))
    agency_id = request.GET.get("agency", "")
    if int_param(agency_id) is not None:
        qs = qs.filter(agency_id=int_param(agency_id))
    page = page_of(request, qs, order=("agency__path", "name", "id"), default=100)
    return render(
        request,
        "directory/unit_list.html",
        {
            "page": page,
            "query": query_without_cursor(request),
            "q": q,
            "managed_agencies": manageable(Agency, request.user).order_by("path")[:300],
        },
    )


@login_required
def unit_create(request, agency_pk):
    agency = get_object_or_404(manageable(Agency, request.user), pk=agency_pk)
    form = UnitForm(agency, _posted(request))
    if request.method == "POST" and form.is_valid():
        data = {f: form.cleaned_data[f] for f in services.UNIT_FIELDS}
        try:
            unit = services.create_unit(request.user, agency, **data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, f"Đã thêm đơn vị {unit.name}.")
            return redirect("directory:agency_detail", agency.pk)
    return render(request, "directory/unit_form.html", {"form": form, "agency": agency})


@login_required
def unit_edit(request, pk):
    unit = get_object_or_404(manageable(Unit, request.user).select_related("agency"), pk=pk)
    form = UnitForm(unit.agency, _posted(request), instance=Unit.objects.get(pk=pk))
    if request.method == "POST" and form.is_valid():
        data = {f: form.cleaned_data[f] for f in services.UNIT_FIELDS}
        try:
            services.update_unit(request.user, unit, **data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, "Đã lưu đơn vị.")
            return redirect("directory:agency_detail", unit.agency_id)
    return render(request, "directory/unit_form.html", {"form": form, "agency": unit.agency, "unit": unit})


@login_required
def position_create(request, user_pk):
    person = get_object_or_404(manageable(get_user_model(), request.user), pk=user_pk)
    form = PositionForm(request.user, _posted(request), initial={"agency": person.agency_id})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.assign_position(
                request.user,
                person,
                agency=data["agency"],
                unit=data["unit"],
                title=data["title"],
                role=data["role"],
                is_primary=data["is_primary"],
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Đã giao chức vụ.")
            return redirect("accounts:user_detail", person.pk)
    return render(request, "directory/position_form.html", {"form": form, "person": person})


@login_required
@require_POST
def position_end(request, pk):
    position = get_object_or_404(manageable(Position, request.user), pk=pk)
    services.end_position(request.user, position)
    messages.success(request, "Đã kết thúc chức vụ.")
    return redirect("accounts:user_detail", position.user_id)
