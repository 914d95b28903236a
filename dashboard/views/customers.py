"""Customers: search (whole page or the ``#results`` fragment) and the customer page with
its inline-editable account details."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from dashboard.components.events import hx_trigger
from dashboard.components.i18n import gettext as _
from dashboard.domain.errors import StaleVersion, ValidationFailed
from dashboard.domain.staff.roles import Area
from dashboard.services.orders import customers
from dashboard.views.order_screen import split_form
from dashboard.views.orders import wants_fragment
from dashboard.views.security import area_guard


async def _customer(customer_id: int) -> dict:
    return await customers.get_customer(customer_id)


def _account(customer: dict, *, editing=False, values=None, errors=None, conflicts=None,
             status=200, headers=None) -> Template:
    return Template("partials/customers/_account.html", status_code=status, headers=headers or {},
                    context={"customer": customer, "editing": editing,
                             "values": {**customer, **(values or {})}, "errors": errors or {},
                             "conflicts": conflicts or []})


class CustomersController(Controller):
    path = "/customers"
    guards = [area_guard(Area.CUSTOMERS)]

    @get("/")
    async def index(self, request: Request, q: FromQuery[str] = "") -> Template:
        context = {"q": q[:200], "customers": await customers.search_customers(q[:200])}
        if wants_fragment(request):
            return Template("partials/customers/_results.html", context=context)
        return Template("pages/customers/index.html", context=context)

    @get("/{customer_id:int}")
    async def show(self, customer_id: FromPath[int]) -> Template:
        page = await customers.customer_page(customer_id)
        return Template("pages/customers/show.html",
                        context={"page": page, "customer": page.customer, "editing": False,
                                 "values": page.customer, "errors": {}, "conflicts": []})

    @get("/{customer_id:int}/account")
    async def account(self, customer_id: FromPath[int]) -> Template:
        return _account(await _customer(customer_id))

    @get("/{customer_id:int}/account/edit")
    async def account_form(self, customer_id: FromPath[int]) -> Template:
        return _account(await _customer(customer_id), editing=True)

    @post("/{customer_id:int}/account")
    async def save_account(self, request: Request, customer_id: FromPath[int]) -> Template:
        after, before = split_form(await request.form())
        try:
            customer = await customers.edit_customer(customer_id, before, after,
                                                     request.user.actor)
        except ValidationFailed as exc:
            return _account(await _customer(customer_id), editing=True, values=after,
                            errors=exc.fields, status=422)
        except StaleVersion as exc:
            return _account(await _customer(customer_id), editing=True, values=after,
                            conflicts=exc.details["conflicts"], status=422)
        return _account(customer, headers=hx_trigger(toast=_("Saved")))
