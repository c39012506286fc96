"""The bulk import pages, an administrator's only: upload → dry run (problems, or a preview) → confirm.

Between the dry run and the confirmation the upload is kept as a file under LUOSHI_VAR_DIR/imports, named by
a random token that only the uploader's session holds; the confirmation reads and checks it again, commits,
and deletes it. Files left by a dry run never confirmed are removed after a day, at the next upload.
"""

from __future__ import annotations

import secrets
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from luoshi.core import attachments, clock
from luoshi.orgs import imports, policy
from luoshi.orgs.http import AuthenticatedRequest

SESSION_KEY = "orgs_import"
KEEP_SECONDS = 24 * 3600


def _folder() -> Path:
    folder = Path(settings.VAR_DIR) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _kept(token: str) -> Path | None:
    if not token or not token.replace("-", "").replace("_", "").isalnum():
        return None
    path = _folder() / f"{token}.xlsx"
    return path if path.is_file() else None


def _forget(request: AuthenticatedRequest) -> None:
    token = request.session.pop(SESSION_KEY, None)
    if isinstance(token, dict) and (path := _kept(str(token.get("token", "")))):
        path.unlink(missing_ok=True)


def _sweep() -> None:
    cutoff = clock.now().timestamp() - KEEP_SECONDS
    for path in _folder().glob("*.xlsx"):
        if path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)


class ImportForm(forms.Form):
    file = forms.FileField()


def _admin(request: AuthenticatedRequest) -> None:
    if not policy.sees_everything(request.user):
        raise PermissionDenied


@never_cache
@login_required
def import_people(request: AuthenticatedRequest) -> HttpResponse:
    _admin(request)
    form = ImportForm(request.POST, request.FILES) if request.method == "POST" else ImportForm()
    context: dict[str, object] = {"max_rows": imports.MAX_ROWS, "form": form}
    if request.method == "POST":
        _forget(request)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            name = attachments.file_name(upload)
            plan = imports.Plan(problems=imports.upload_problems(upload))
            if not plan.problems:
                plan = imports.read(upload, name=name)
            context.update(plan=plan, problems=plan.problems, name=name)
            if plan.problems:
                form.add_error("file", _("The file has problems; nothing was imported."))
            else:
                _sweep()
                token = secrets.token_urlsafe(24)
                with open(_folder() / f"{token}.xlsx", "wb") as out:
                    upload.seek(0)
                    for chunk in upload.chunks():
                        out.write(chunk)
                request.session[SESSION_KEY] = {"token": token, "name": name}
                context["token"] = token
    return render(request, "orgs/import.html", context)


@never_cache
@require_POST
@login_required
def import_confirm(request: AuthenticatedRequest) -> HttpResponse:
    _admin(request)
    kept = request.session.get(SESSION_KEY)
    token = str(request.POST.get("token", ""))
    path = _kept(token) if isinstance(kept, dict) and kept.get("token") == token else None
    if path is None:
        messages.error(request, _("That import is no longer waiting; upload the file again."))
        return render(request, "orgs/import.html", {"max_rows": imports.MAX_ROWS}, status=409)
    name = str(kept.get("name", "")) if isinstance(kept, dict) else ""
    with open(path, "rb") as source:
        plan = imports.read(source, name=name)  # checked again: the tree may have changed since the dry run
    if plan.problems:
        _forget(request)
        context = {"max_rows": imports.MAX_ROWS, "plan": plan, "problems": plan.problems, "name": name}
        return render(request, "orgs/import.html", context, status=409)
    people = imports.commit(plan, by=request.user)
    _forget(request)
    return render(request, "orgs/import_done.html", {"plan": plan, "people": people, "name": name})


@login_required
def import_template(request: AuthenticatedRequest) -> HttpResponse:
    _admin(request)
    response = HttpResponse(
        imports.template(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="luoshi-import.xlsx"'
    return response
