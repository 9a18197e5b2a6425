"""The review queue: the request list's columns, filters, and each request's business-day age."""

from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.admin.views.main import ChangeList
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.text import smart_split, unescape_string_literal
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from payments.models import Payment, PaymentStatus
from scheduling.calendar import get_calendar
from scheduling.selectors import SlaRisk, requests_filter_sla_risk, sla_row


class DeviceTypeFilter(admin.ChoicesFieldListFilter):
    """Isolating or non-isolating, titled so it is not mistaken for the request type."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.title = gettext_lazy("device type")


class SlaRiskFilter(admin.SimpleListFilter):
    """Open requests by where they stand against the 30-business-day visit target."""

    title = gettext_lazy("30-day target")
    parameter_name = "sla"

    def lookups(self, request, model_admin):
        return [(SlaRisk.AT_RISK, SlaRisk.AT_RISK.label), (SlaRisk.OVERDUE, SlaRisk.OVERDUE.label)]

    def queryset(self, request, queryset):
        if self.value() not in (SlaRisk.AT_RISK, SlaRisk.OVERDUE):
            return queryset
        return requests_filter_sla_risk(msa_requests=queryset, risk=self.value())


class SearchPaginator(Paginator):
    """Counts a search's matches only up to ``cap`` + 1: "more than ``cap``" past that.

    A common word ("customer", a city) matches tens of thousands of requests; the page of 50 is
    found at once by walking the list's order, but counting every match was most of the page's
    time (0.6 s of 1 s at 100,000 requests). Past ``cap`` a reviewer narrows the search anyway.
    """

    cap = 1000

    @cached_property
    def count(self) -> int:
        # Without the list's order and annotations: any cap + 1 matches will do.
        return self.object_list.order_by().values("pk")[: self.cap + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > self.cap


class SlaChangeList(ChangeList):
    """The queue's page of requests, each with its business-day age and target (from the row)."""

    def get_results(self, request):
        super().get_results(request)
        # The templates say "more than N" and offer no "select all" across pages (its count
        # would be wrong); actions then apply to the rows ticked on the page.
        self.result_count_capped = getattr(self.paginator, "capped", False)
        calendar, today = get_calendar(), timezone.localdate()
        for obj in self.result_list:
            obj.sla = sla_row(obj, calendar=calendar, today=today)


class RequestQueueMixin:
    """The queue's columns and the paid / SLA annotations (a constant number of queries a page)."""

    # The people searched besides the request's own ``search_fields``: (relation, user columns).
    search_people = [("applicant", ["email", "full_name"]), ("filed_by", ["email"])]
    search_digits_only = {"premises_zip"}
    # More people than this matching a word: searched by subquery instead of a list of ids.
    search_people_ids_max = 200

    def action_checkbox(self, obj):
        """The row's tick box for the bulk actions: Django's own (``ModelAdmin.action_checkbox``)
        built with ``format_html`` instead of a form widget's template, which took a quarter of
        the list's CPU (50 rows, issue 27). The same HTML, name, value and label."""
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME,
            obj.pk,
            format_html(_("Select this object for an action - {}"), str(obj)),
        )

    def _people_ids(self, User, people: Q):
        users = User.objects.filter(people).order_by().values_list("pk", flat=True)
        ids = list(users[: self.search_people_ids_max + 1])
        return users if len(ids) > self.search_people_ids_max else ids

    def get_search_results(self, request, queryset, search_term):
        """Match every word in the request's own columns or its people's.

        The people are looked up first (one small query a word) and matched by their ids, so
        PostgreSQL can combine the foreign-key indexes with the trigram indexes on the request's
        own columns; an OR across three joined tables kept it from every index. A word that
        matches many people is left as a subquery: it matches so many requests that walking
        the list's order finds a page of them at once.
        """
        words = [
            unescape_string_literal(word) if word[0] in "\"'" and word[0] == word[-1] else word
            for word in smart_split(search_term)
        ]
        User = get_user_model()
        for word in words:
            match = Q()
            for column in self.search_fields:
                # A ZIP holds digits and a dash: other words skip its column, which has no
                # trigram index and would make the search a scan of every request.
                if column in self.search_digits_only and not word.replace("-", "").isdigit():
                    continue
                match |= Q(**{f"{column}__icontains": word})
            for relation, columns in self.search_people:
                people = Q()
                for column in columns:
                    people |= Q(**{f"{column}__icontains": word})
                match |= Q(**{f"{relation}_id__in": self._people_ids(User, people)})
            queryset = queryset.filter(match)
        return queryset, False

    def get_queryset(self, request):
        return self.annotate_paid(super().get_queryset(request))

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        """A search counts its matches up to ``SearchPaginator.cap``; other lists count them all."""
        paginator = SearchPaginator if request.GET.get("q", "").strip() else Paginator
        return paginator(queryset, per_page, orphans, allow_empty_first_page)

    def annotate_paid(self, queryset):
        """Annotate ``is_paid``: the request's current site-visit fee is paid or waived."""
        settled = Payment.objects.filter(
            msa_request=OuterRef("pk"),
            status__in=[
                PaymentStatus.SUCCEEDED,
                PaymentStatus.PARTIALLY_REFUNDED,
                PaymentStatus.WAIVED,
            ],
        )
        return queryset.annotate(is_paid=Exists(settled))

    @admin.display(description=gettext_lazy("request"), ordering="pk")
    def reference_column(self, obj):
        return obj.reference

    @admin.display(description=gettext_lazy("customer"), ordering="customer_name")
    def customer_column(self, obj):
        return obj.customer_name or obj.customer_email or "—"

    @admin.display(description=gettext_lazy("filed by"), ordering="filed_by__email")
    def filed_by_column(self, obj):
        if obj.filed_by_id == obj.applicant_id:
            return _("customer")
        company = obj.filed_by.company
        return f"{obj.filed_by.email} ({company})" if company else obj.filed_by.email

    @admin.display(description=gettext_lazy("device"), ordering="device__model_name")
    def device_column(self, obj):
        return f"{obj.device.manufacturer} {obj.device.model_name}" if obj.device else "—"

    @admin.display(description=gettext_lazy("paid"))
    def paid_column(self, obj):
        # Filled by the payments app at merge through ``annotate_paid``.
        paid = getattr(obj, "is_paid", None)
        if paid is None:
            return "—"
        return _("yes") if paid else _("no")

    @admin.display(description=gettext_lazy("age (business days)"), ordering="submitted_at")
    def age_column(self, obj):
        row = getattr(obj, "sla", None)
        return row.age_business_days if row else "—"

    @admin.display(description=gettext_lazy("30-day target"))
    def sla_column(self, obj):
        row = getattr(obj, "sla", None)
        if row is None:
            return "—"
        label = SlaRisk(row.risk).label
        return format_html(
            '<span class="sla-{}">{}</span> · {}', row.risk, label, date_format(row.due)
        )

    def get_changelist(self, request, **kwargs):
        return SlaChangeList
