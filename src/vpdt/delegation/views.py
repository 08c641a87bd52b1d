"""Delegation screens: my delegations (given and received), the agency's list, create and revoke."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from vpdt.core.authz import manageable, visible

from . import services
from .forms import DelegationForm
from .models import Delegation


@login_required
def delegation_list(request):
    today = timezone.localdate()
    qs = visible(Delegation, request.user).select_related("delegator", "delegate").order_by("-starts_on", "-id")
    rows = []
    manageable_ids = set(manageable(Delegation, request.user).values_list("pk", flat=True))
    for d in qs[:200]:
        if d.revoked_at:
            state = "revoked"
        elif d.ends_on < today:
            state = "expired"
        elif d.starts_on > today:
            state = "future"
        else:
            state = "active"
        rows.append((d, state, d.pk in manageable_ids and state in ("active", "future")))
    return render(request, "delegation/list.html", {"rows": rows, "can_create": request.user.agency_id is not None})


@login_required
def delegation_create(request):
    if request.user.agency_id is None:
        raise PermissionDenied("Tài khoản chưa thuộc cơ quan nào.")
    form = DelegationForm(
        request.user, request.POST or None, initial={"starts_on": timezone.localdate(), "delegator": request.user.pk}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.create(request.user, **data)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for name, errors in exc.message_dict.items():
                    form.add_error(name if name in form.fields else None, errors)
            else:
                form.add_error(None, exc.messages)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Đã ủy quyền; những người liên quan đã được thông báo.")
            return redirect("delegation:list")
    return render(request, "delegation/form.html", {"form": form})


@require_POST
@login_required
def delegation_revoke(request, pk: int):
    delegation = get_object_or_404(visible(Delegation, request.user), pk=pk)
    try:
        services.revoke(request.user, delegation, request.POST.get("reason", "")[:500])
    except (ValidationError, PermissionDenied) as exc:
        for message in getattr(exc, "messages", [str(exc)]):
            messages.error(request, message)
    else:
        messages.success(request, "Đã thu hồi ủy quyền.")
    return redirect("delegation:list")
