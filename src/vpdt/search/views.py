"""The search screen (/tim-kiem/) and saved searches. Thin: parse the form, call services, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from vpdt.core.authz import visible

from . import services
from .forms import SearchForm
from .models import SavedSearch


def _query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@login_required
def search(request):
    form = SearchForm(request.user, request.GET or None)
    results = None
    errors = []
    if form.is_bound:
        if form.is_valid():
            results = services.search(request.user, form.criteria())
        else:
            errors = form.error_messages()
    query = _query_without_page(request)
    advanced = any(
        request.GET.get(k)
        for k in ("doc_type", "issuer", "date_from", "date_to", "urgency", "status", "unit", "handler", "exact")
    ) or bool(request.GET.getlist("kind"))
    context = {
        "form": form,
        "results": results,
        "errors": errors,
        "query": query,
        "advanced": advanced,
        "saved": services.saved_searches(request.user),
    }
    if results is not None:
        context["next_url"] = f"?{query}&page={results.page + 1}" if results.has_more else ""
        context["prev_url"] = f"?{query}&page={results.page - 1}" if results.page > 1 else ""
    return render(request, "search/search.html", context)


@login_required
@require_POST
def save(request):
    query = request.POST.get("query", "")
    try:
        saved = services.save_search(request.user, name=request.POST.get("name", ""), query=query)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect(f"/tim-kiem/?{services.clean_query(query)}")
    messages.success(request, f"Đã lưu tìm kiếm “{saved.name}”.")
    return redirect(f"/tim-kiem/?{saved.query}")


@login_required
def run_saved(request, pk: int):
    saved = get_object_or_404(visible(SavedSearch, request.user), pk=pk)
    return redirect(f"/tim-kiem/?{saved.query}")


@login_required
@require_POST
def delete_saved(request, pk: int):
    saved = get_object_or_404(visible(SavedSearch, request.user), pk=pk)
    services.delete_search(request.user, saved)
    messages.success(request, f"Đã xóa tìm kiếm đã lưu “{saved.name}”.")
    return redirect("/tim-kiem/")
