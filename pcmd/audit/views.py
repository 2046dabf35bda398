from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from pcmd.audit.selectors import object_history


@login_required
def history(request: HttpRequest, app_label: str, model_name: str, pk: str) -> HttpResponse:
    model, entries = object_history(
        user=request.user, app_label=app_label, model_name=model_name, pk=pk
    )
    obj = model._default_manager.filter(pk=pk).first()
    return render(
        request,
        "audit/history.html",
        {
            "obj": obj,
            "entries": entries[:500],
            "model_name": model._meta.verbose_name,
        },
    )
