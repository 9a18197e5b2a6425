from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render

from .permissions import get_request_for_user_or_404
from .selectors import request_detail_queryset, request_list_for


@login_required
def request_list(request):
    page = Paginator(request_list_for(request.user), 25).get_page(request.GET.get("page"))
    return render(request, "enrollment/request_list.html", {"page": page})


@login_required
def request_detail(request, pk: int):
    application = get_request_for_user_or_404(
        request.user, pk, request_detail_queryset(request.user)
    )
    return render(request, "enrollment/request_detail.html", {"application": application})
