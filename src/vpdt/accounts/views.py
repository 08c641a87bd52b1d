from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from vpdt.core.authz import manageable, scope_of, visible
from vpdt.core.pagination import page_of, query_without_cursor
from vpdt.core.params import int_param
from vpdt.directory.models import Agency, Position, Unit

from . import profile_sections, services
from .forms import AccountCreateForm, LockForm, LoginForm, NoteForm, PasswordChangeForm
from .models import AccountStatus, User


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


def lockout_response(request, original_response=None, credentials=None, *args, **kwargs):
    """What the login form and the API login answer to a refused attempt (vpdt.accounts.lockout says why)."""
    from django.conf import settings

    from .lockout import USERNAME, WAIT

    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    reason = getattr(request, "vpdt_lockout", "")
    wait = getattr(request, "vpdt_login_wait", 0)
    if reason == WAIT:
        message = (
            f"Tài khoản này vừa bị đăng nhập sai nhiều lần. Vui lòng đợi {wait} giây rồi thử lại "
            "(mỗi lần sai tiếp theo phải đợi lâu hơn)."
        )
    elif reason == USERNAME:
        message = (
            "Tài khoản tạm thời bị khóa do bị đăng nhập sai nhiều lần từ nhiều địa chỉ khác nhau "
            f"(nghi bị dò mật khẩu). Vui lòng thử lại sau {minutes} phút hoặc liên hệ quản trị hệ thống."
        )
    else:
        message = (
            f"Tài khoản tạm thời bị khóa do đăng nhập sai quá {settings.AXES_FAILURE_LIMIT} lần "
            f"từ địa chỉ mạng này. Vui lòng thử lại sau {minutes} phút hoặc liên hệ quản trị hệ thống."
        )
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": message}, status=429)
    else:
        response = render(
            request, "accounts/login.html", {"form": LoginForm(request), "lockout_message": message}, status=429
        )
    response["Retry-After"] = str(wait or minutes * 60)
    return response


def _messages_from(request, exc):
    if isinstance(exc, ValidationError):
        for msg in exc.messages:
            messages.error(request, msg)
    else:
        messages.error(request, str(exc))


@login_required
def password_change(request):
    forced = request.user.must_change_password
    if request.method == "POST":
        form = PasswordChangeForm(request.user, request.POST)
        if form.is_valid():
            old_key = request.session.session_key
            services.change_password(request.user, form.cleaned_data["new_password1"], keep_session=old_key)
            update_session_auth_hash(request, request.user)  # this browser stays signed in, under a new key
            services.session_renewed(request.user, old_key, request.session.session_key)
            messages.success(request, "Đã đổi mật khẩu.")
            return redirect("core:home")
    else:
        form = PasswordChangeForm(request.user)
    return render(request, "accounts/password_change.html", {"form": form, "forced": forced})


@login_required
def profile(request):
    positions = request.user.positions.filter(is_active=True).select_related("agency", "unit")
    return render(
        request, "accounts/profile.html", {"positions": positions, "sections": profile_sections.contexts(request)}
    )


@login_required
def user_list(request):
    qs = visible(User, request.user).select_related("agency")
    q = request.GET.get("q", "").strip()
    status = request.GET.get("status", "")
    agency_id = request.GET.get("agency", "")
    unit_id = request.GET.get("unit", "")
    qs = qs.filter(services.search_q(q))
    if status in AccountStatus.values:
        qs = qs.filter(status=status)
    if int_param(agency_id) is not None:
        qs = qs.filter(agency_id=int_param(agency_id))
    if int_param(unit_id) is not None:
        qs = qs.filter(positions__unit_id=int_param(unit_id), positions__is_active=True).distinct()
    page = page_of(request, qs, order=("full_name", "id"), default=50)
    context = {
        "page": page,
        "query": query_without_cursor(request),
        "q": q,
        "status": status,
        "statuses": AccountStatus.choices,
        "can_create": manageable(Agency, request.user).exists(),
        "agencies": manageable(Agency, request.user).order_by("path")
        if scope_of(request.user).province_path or request.user.is_superuser
        else None,
        "agency_id": agency_id,
    }
    template = (
        "accounts/_user_rows.html" if request.htmx and request.htmx.target == "user-rows" else "accounts/user_list.html"
    )
    return render(request, template, context)


def _managed_user(request, pk):
    user = get_object_or_404(visible(User, request.user), pk=pk)
    can_manage = manageable(User, request.user).filter(pk=pk).exists()
    return user, can_manage


@login_required
def user_detail(request, pk):
    user, can_manage = _managed_user(request, pk)
    from vpdt.journal import sentences
    from vpdt.journal.models import JournalEntry

    # The account's own events: administration content, shown whole to whoever reads them (journal.policies).
    history = sentences.annotate(
        visible(JournalEntry, request.user)
        .filter(object_type="accounts.user", object_id=str(user.pk))
        .order_by("-seq")[:20],
        visible=True,
    )
    context = {
        "person": user,
        "can_manage": can_manage,
        "positions": Position.objects.filter(user=user).select_related("agency", "unit").order_by("-is_active", "id"),
        "transitions": (
            [t.name for t in services.ACCOUNT.allowed(user)]
            + (["unlock"] if user.is_active and services.login_locked_out(user) else [])
            if can_manage
            else []
        ),
        "lock_form": LockForm(),
        "note_form": NoteForm(),
        "history": history,
    }
    return render(request, "accounts/user_detail.html", context)


@login_required
def user_create(request):
    if not manageable(Agency, request.user).exists():
        raise PermissionDenied("Bạn không có quyền tạo tài khoản.")
    form = AccountCreateForm(request.user, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user, password = services.create_account(
                request.user,
                full_name=data["full_name"],
                agency=data["agency"],
                birth_date=data["birth_date"],
                email=data["email"],
                phone=data["phone"],
                username=data["username"] or None,
                is_organisational=data["is_organisational"],
                unit=data["unit"],
                title=data["title"],
                role=data["role"],
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc.messages)
        except PermissionDenied as exc:  # e.g. a role or an agency the administrator may not give: the form back
            form.add_error(None, str(exc) or "Bạn không có quyền tạo tài khoản này.")
        else:
            return render(request, "accounts/one_time_password.html", {"person": user, "password": password})
    return render(request, "accounts/user_form.html", {"form": form})


@login_required
@require_POST
def user_action(request, pk, action):
    user, can_manage = _managed_user(request, pk)
    if not can_manage:
        raise PermissionDenied("Bạn không có quyền quản trị tài khoản này.")
    try:
        if action == "lock":
            form = LockForm(request.POST)
            if not form.is_valid():
                raise ValidationError("Vui lòng chọn lý do khóa.")
            services.lock(request.user, user, form.cleaned_data["reason"], form.cleaned_data["note"])
            messages.success(request, "Đã khóa tài khoản.")
        elif action in ("unlock", "revoke", "deactivate", "reinstate", "reactivate"):
            form = NoteForm(request.POST)
            if not form.is_valid():
                raise ValidationError([e for errs in form.errors.values() for e in errs])
            note = form.cleaned_data["note"]
            if action == "unlock":
                services.unlock(request.user, user, note)
                messages.success(request, "Đã mở khóa tài khoản.")
            elif action == "revoke":
                services.revoke(request.user, user, note=note)
                messages.success(request, "Đã thu hồi tài khoản.")
            elif action == "deactivate":
                services.deactivate(request.user, user, note)
                messages.success(request, "Đã vô hiệu hóa tài khoản; toàn bộ lịch sử được giữ nguyên.")
            else:
                fn = services.reinstate if action == "reinstate" else services.reactivate
                user, password = fn(request.user, user, note)
                return render(request, "accounts/one_time_password.html", {"person": user, "password": password})
        elif action == "reset_password":
            password = services.issue_one_time_password(request.user, user)
            return render(request, "accounts/one_time_password.html", {"person": user, "password": password})
        else:
            messages.error(request, "Thao tác không hợp lệ.")
    except (ValidationError, PermissionDenied) as exc:
        _messages_from(request, exc)
    return redirect(reverse("accounts:user_detail", args=[user.pk]))


@login_required
def units_for_agency(request):
    """HTMX helper: the unit options of an agency for the account form."""
    agency_id = request.GET.get("agency", "")
    units = Unit.objects.none()
    if int_param(agency_id) is not None:
        units = visible(Unit, request.user).filter(agency_id=int_param(agency_id), is_active=True).order_by("name")
    return render(request, "accounts/_unit_options.html", {"units": units})
