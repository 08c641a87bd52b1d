"""Screens of the signing administration (/ky-so/): certificates, trust roots, signature images and the agency
policy. Lists are queryset filters (see policies.py); every change goes through :mod:`vpdt.signing.services`."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from vpdt.core.authz import manageable, visible
from vpdt.core.pagination import page_of, query_without_cursor
from vpdt.core.params import int_param
from vpdt.journal import sentences
from vpdt.journal.models import JournalEntry
from vpdt.storage.services import read_stored

from . import forms, keys, services
from .forms import add_service_errors, administered_agencies
from .models import Credential, CredentialKind, SignatureImage, TrustRoot

STATES = {"ok": "Còn hiệu lực", "expiring": "Sắp hết hạn", "expired": "Đã hết hạn", "inactive": "Ngừng sử dụng"}


def days_left(credential: Credential) -> int:
    return (timezone.localtime(credential.not_after).date() - timezone.localdate()).days


def status_of(credential: Credential) -> tuple[str, str]:
    """(state, Vietnamese badge text) of a credential."""
    if not credential.is_active:
        return "inactive", STATES["inactive"]
    state = services.expiry_state(credential)
    if state == "expiring":
        return state, f"Sắp hết hạn (còn {max(days_left(credential), 0)} ngày)"
    return state, STATES[state]


def filter_state(qs, state: str):
    """Credentials of ``qs`` in one of the STATES."""
    now = timezone.now()
    soon = now + dt.timedelta(days=services.EXPIRY_WARNING_DAYS)
    if state == "inactive":
        return qs.filter(is_active=False)
    if state == "expired":
        return qs.filter(is_active=True, not_after__lte=now)
    if state == "expiring":
        return qs.filter(is_active=True, not_after__gt=now, not_after__lte=soon)
    if state == "ok":
        return qs.filter(is_active=True, not_after__gt=soon)
    return qs


def _posted(request):
    """(data, files) of a POST — even an empty one, which must show "required" errors — or (None, None)."""
    return (request.POST, request.FILES) if request.method == "POST" else (None, None)


def _require_admin(user):
    agencies = administered_agencies(user)
    if not agencies.exists():
        raise PermissionDenied("Chỉ quản trị cơ quan được đăng ký chứng thư số, hình chữ ký và con dấu.")
    return agencies


# ---------------------------------------------------------------------------------------------- certificates


@login_required
def credential_list(request):
    qs = visible(Credential, request.user).select_related("agency", "user")
    kind = request.GET.get("kind", "")
    if kind in CredentialKind.values:
        qs = qs.filter(kind=kind)
    state = request.GET.get("state", "")
    qs = filter_state(qs, state if state in STATES else "")
    page = page_of(request, qs, order=("-id",), default=50)
    rows = [(c, *status_of(c)) for c in page]
    return render(
        request,
        "signing/admin/credential_list.html",
        {
            "page": page,
            "rows": rows,
            "query": query_without_cursor(request),
            "kind": kind,
            "state": state,
            "kinds": CredentialKind.choices,
            "states": STATES.items(),
            "can_register": administered_agencies(request.user).exists(),
            "can_manage_trust": services.can_manage_trust(request.user),
        },
    )


def _register(request, form_class, template, register):
    _require_admin(request.user)
    form = form_class(request.user, *_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            credential = register(form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Đã đăng ký chứng thư số “{credential.common_name}”.")
            return redirect("signing:credential", credential.pk)
    return render(request, "signing/admin/credential_form.html", {"form": form, "template": template})


@login_required
def register_p12(request):
    def run(data):
        upload = request.FILES.get("p12")
        return services.register_pkcs12(
            request.user,
            kind=data["kind"],
            agency=data["agency"],
            user=data["user"],
            data=data["p12"],
            passphrase=data["passphrase"],
            label=data["label"],
            filename=(upload.name if upload else "chung-thu.p12"),
        )

    return _register(request, forms.Pkcs12Form, "p12", run)


@login_required
def register_certificate(request):
    def run(data):
        return services.register_certificate(
            request.user,
            kind=data["kind"],
            agency=data["agency"],
            user=data["user"],
            certificate=data["certificate"],
            chain=data["chain"],
            keystore=data["keystore"],
            label=data["label"],
            pkcs11_module=data["pkcs11_module"],
            pkcs11_token=data["pkcs11_token"],
            pkcs11_key=data["pkcs11_key"],
            pkcs11_pin_env=data["pkcs11_pin_env"],
        )

    return _register(request, forms.CertificateForm, "cert", run)


def chain_subjects(credential: Credential) -> list[str]:
    if not credential.chain:
        return []
    try:
        return [keys.cert_info(c).subject for c in keys.load_certificates(credential.chain.encode("ascii"))]
    except (ValidationError, ValueError):
        return ["(không đọc được chuỗi chứng thư)"]


@login_required
def credential_detail(request, pk: int):
    credential = get_object_or_404(
        visible(Credential, request.user).select_related("agency", "user", "created_by"), pk=pk
    )
    state, badge = status_of(credential)
    entries = sentences.annotate(
        visible(JournalEntry, request.user)
        .filter(  # certificates: administration content
            object_type=Credential._meta.label_lower, object_id=str(credential.pk)
        )
        .order_by("-seq")[:20],
        visible=True,
    )
    can_manage = manageable(Credential, request.user).filter(pk=pk).exists()
    return render(
        request,
        "signing/admin/credential_detail.html",
        {
            "c": credential,
            "state": state,
            "badge": badge,
            "chain": chain_subjects(credential),
            "entries": entries,
            "can_manage": can_manage and credential.is_active,
            "deactivate_form": forms.DeactivateForm(),
        },
    )


@require_POST
@login_required
def credential_deactivate(request, pk: int):
    credential = get_object_or_404(visible(Credential, request.user), pk=pk)
    form = forms.DeactivateForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect("signing:credential", pk)
    try:
        services.deactivate_credential(request.user, credential, form.cleaned_data["reason"])
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, "Đã ngừng sử dụng chứng thư số.")
    return redirect("signing:credential", pk)


# ---------------------------------------------------------------------------------------------- trust roots


@login_required
def trust_roots(request):
    can_manage = services.can_manage_trust(request.user)
    form = forms.TrustRootForm(*_posted(request)) if can_manage else None
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied("Chỉ quản trị cấp tỉnh được thay đổi danh sách chứng thư gốc tin cậy.")
        if form.is_valid():
            try:
                added = services.add_trust_roots(request.user, form.cleaned_data["file"], form.cleaned_data["name"])
            except (ValidationError, PermissionDenied) as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, f"Đã thêm {len(added)} chứng thư gốc tin cậy.")
                return redirect("signing:trust_roots")
    roots = visible(TrustRoot, request.user).order_by("name", "id")
    return render(
        request,
        "signing/admin/trust_roots.html",
        {"roots": roots, "form": form, "can_manage": can_manage, "now": timezone.now()},
    )


@require_POST
@login_required
def trust_root_toggle(request, pk: int):
    root = get_object_or_404(visible(TrustRoot, request.user), pk=pk)
    active = request.POST.get("active") == "1"
    services.set_trust_root_active(request.user, root, active)  # PermissionDenied -> 403 page
    messages.success(request, "Đã tin cậy lại chứng thư gốc." if active else "Đã ngừng tin cậy chứng thư gốc.")
    return redirect("signing:trust_roots")


# ---------------------------------------------------------------------------------------------- images


@login_required
def images(request):
    form = forms.ImageForm(request.user, *_posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.upload_image(
                request.user,
                kind=data["kind"],
                agency=data["agency"],
                user=data["user"],
                fileobj=data["file"],
                filename=data["file"].name,
                width_mm=data["width_mm"],
                height_mm=data["height_mm"],
            )
        except (ValidationError, PermissionDenied) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Đã cập nhật hình chữ ký, con dấu.")
            return redirect("signing:images")
    rows = (
        visible(SignatureImage, request.user)
        .filter(is_active=True)
        .select_related("agency", "user")
        .order_by("kind", "agency__name", "id")
    )[:200]
    return render(request, "signing/admin/images.html", {"rows": rows, "form": form})


@login_required
def image_png(request, pk: int):
    image = get_object_or_404(visible(SignatureImage, request.user).select_related("file"), pk=pk)
    try:
        data = read_stored(image.file)
    except OSError:
        raise PermissionDenied("Không đọc được hình trong kho lưu trữ.") from None
    response = HttpResponse(data, content_type="image/png")
    response["Cache-Control"] = "private, max-age=300"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# ---------------------------------------------------------------------------------------------- policy


@login_required
def policy(request):
    agencies = _require_admin(request.user)
    asked = request.POST.get("agency") or request.GET.get("agency")
    if asked:  # an agency the user does not administer is "not found", never silently another one
        agency = get_object_or_404(agencies, pk=int_param(asked) or 0)
    else:
        agency = agencies.filter(pk=request.user.agency_id).first() or agencies.first()
    current = services.policy_for(agency)
    form = forms.PolicyForm(
        _posted(request)[0], initial={"on_failure": current.on_failure, "require_both": current.require_both}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.set_policy(request.user, agency, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Đã lưu chính sách chữ ký số của {agency.name}.")
            return redirect(f"{request.path}?agency={agency.pk}")
    return render(
        request, "signing/admin/policy.html", {"form": form, "agency": agency, "agencies": agencies, "current": current}
    )
