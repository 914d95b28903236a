"""One demo order, told from placement to its current state, as rows for every table.

The builder follows a scenario (see scenarios.py): it draws the lines, prices them with
the domain's pricing rules, then walks the story (payment, picking, parcels, delivery,
return, credit note, refund, cancellation), appending the rows and history events each
step leaves behind. Quantities, money and statuses are derived the way the services
derive them, so the demo obeys every rule the application checks.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from dashboard.domain.fulfilment import CARRIERS as CARRIER_NAMES, pick_list_number
from dashboard.domain.printing import SequenceKind, document_number
from dashboard.domain.printing import rma_number
from dashboard.components.i18n import translations
from dashboard.domain.pricing import SHIPPING_VAT_BP, balance_due, line_amounts, order_totals, vat_included_tax
from dashboard.domain.search import fold
from dashboard.domain.statuses import payment_status_for
from dashboard.services.demo.catalogue import Catalogue, Product
from dashboard.services.demo.customers import CustomerPool
from dashboard.services.demo.rows import Ids, Rows, Sequences
from dashboard.services.demo.scenarios import DAY, Scenario
from dashboard.services.payments import format_minor
from dashboard.services.printing import fiscal_year

STAFF = {
    "back_office": ("claire.bernard", "julien.moreau"),
    "call_centre": ("sophie.lambert", "karim.haddad"),
    "dispatch": ("lucas.petit", "emma.roux"),
}
CARRIERS = {
    "FR": (("colissimo", 50), ("mondial_relay", 20), ("chronopost", 15), ("dpd", 15)),
    "EU": (("dpd", 40), ("gls", 30), ("ups", 30)),
}
CARRIER_SERVICE = {"colissimo": "Colissimo Domicile", "mondial_relay": "Point Relais", "chronopost": "Chrono 13",
                   "dpd": "DPD Predict", "gls": "GLS BusinessParcel", "ups": "UPS Standard",
                   "pickup": "Retrait en boutique"}
TRACKING_URL = {
    "colissimo": "https://www.laposte.fr/outils/suivre-vos-envois?code={}",
    "mondial_relay": "https://www.mondialrelay.fr/suivi-de-colis/?NumeroExpedition={}",
    "chronopost": "https://www.chronopost.fr/tracking-no-cms/suivi-page?listeNumerosLT={}",
    "dpd": "https://tracking.dpd.de/status/fr_FR/parcel/{}",
    "gls": "https://gls-group.com/FR/fr/suivi-colis?match={}",
    "ups": "https://www.ups.com/track?tracknum={}",
}
# Codes of domain.fulfilment.HoldReason and domain.returns.ReturnReason, as staff pick them.
HOLD_REASONS = ("awaiting_payment", "address_to_check", "until_date", "suspected_fraud")
RETURN_REASONS = ("too_small", "too_large", "changed_mind", "damaged", "wrong_item")
# Free text as staff type it (the history shows it as typed).
CANCEL_REASONS_PAID = ("Annulée à la demande de la cliente (appel téléphonique)",
                       "Erreur de taille, la cliente recommandera")
CANCEL_REASONS = ("Annulée à la demande du client", "Commande en double", "Client injoignable")
SURCHARGES = {350: ("labour", "Emballage cadeau"), 790: ("shipping_change", "Passage en express"),
              1190: ("shipping_change", "Passage en express")}
NOTES = (
    "Cliente appelée : livraison possible chez la voisine au n° 14.",
    "Emballage cadeau demandé, mettre une carte sans prix.",
    "Colis à déposer en point relais si absent.",
    "Relance de paiement envoyée par e-mail.",
    "Le client souhaite une facture au nom de sa société.",
    "Adresse vérifiée par téléphone avec le client.",
    "Client fidèle : ajouter un échantillon de bougie.",
    "Digicode 4521B, sonner chez Martin.",
)
_ALNUM = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
# As services/payments/auto_cancel cancels an order left unpaid.
AUTO_CANCEL_ACTOR = "auto-cancel"  # the reason is the job's own (auto_cancel.CANCEL_REASON)
AUTO_CANCEL_REASON = "Not paid in time"


@dataclass
class _PickList:
    """A pick list being told: its rows are written once the order's lines are final."""

    id: int
    number: str
    at: datetime
    actor: str
    lines: list[tuple] = field(default_factory=list)


def _credit_line(sku: str, name: str, quantity: int, unit_price: int, vat_bp: int) -> dict:
    """A credit note line as services/printing/documents.issue_credit_note takes them."""
    return {"sku": sku, "name": name, "quantity": quantity, "unit_price": unit_price, "vat_rate_bp": vat_bp}


def _shipping_line(amount: int, locale: str) -> dict:
    """The shipping line of a credit note, named in the customer's language when issued
    (as services/returns/credits.shipping_lines does)."""
    return _credit_line("SHIPPING", translations(locale).gettext("Shipping"), 1, amount,
                        SHIPPING_VAT_BP)


def _between(start: datetime, end: datetime, fraction: float) -> datetime:
    """A moment part-way between two steps of the story, to the second."""
    return start + timedelta(seconds=int((end - start).total_seconds() * fraction))


class OrderFactory:
    """Builds orders one after the other into ``rows``; keeps the stock counters in step."""

    def __init__(self, rng: random.Random, now: datetime, catalogue: Catalogue, customers: CustomerPool,
                 ids: Ids, sequences: Sequences, rows: Rows) -> None:
        self.rng, self.now, self.catalogue, self.customers = rng, now, catalogue, customers
        self.ids, self.seq, self.rows = ids, sequences, rows
        self.reserved: dict[int, int] = {}
        self.backordered: dict[int, int] = {}

    # --- small helpers ------------------------------------------------------------------
    def _ref(self, n: int) -> str:
        return "".join(self.rng.choices(_ALNUM, k=n))

    def _digits(self, n: int) -> str:
        return str(self.rng.randrange(10**n)).zfill(n)

    def _event(self, order_id: int, at: datetime, kind: str, summary: str, actor: str = "system", /,
               **data) -> None:
        """One history row, its data shaped as the use-case that records ``kind`` shapes it
        (a ``kind`` in ``data`` is the data's own, e.g. a surcharge's)."""
        self.rows.order_event.append((self.ids.next("order_event"), order_id, kind, summary,
                                      json.dumps(data) if data else "{}", actor, at))
        self._last_at = max(self._last_at, at)
        self._version += 1

    def _tracking(self, carrier: str) -> str:
        return {"colissimo": lambda: "6A" + self._digits(11), "chronopost": lambda: "XW" + self._digits(9) + "FR",
                "mondial_relay": lambda: self._digits(8), "dpd": lambda: "0" + self._digits(13),
                "gls": lambda: self._digits(11), "ups": lambda: "1Z" + self._ref(6) + self._digits(10),
                }[carrier]()

    # --- the order ----------------------------------------------------------------------
    def build(self, number: str, placed: datetime, scenario: Scenario) -> None:
        rng = self.rng
        order_id = self.ids.next("orders")
        self._last_at, self._version = placed, 0
        customer = self.customers.pick(rng)
        methods = scenario.methods
        shipping_method = scenario.shipping
        if shipping_method == "any":
            shipping_method = "click_and_collect" if rng.random() < 0.08 else "carrier"
        elif shipping_method == "pickup":
            shipping_method = "click_and_collect"
        method = rng.choices([m for m, _ in methods], weights=[w for _, w in methods])[0]
        channel = "phone" if rng.random() < (0.35 if method in ("bank_transfer", "cheque") else 0.12) else "web"
        open_order = scenario.status in ("open", "on_hold")
        lines = self._lines(order_id, scenario, open_order)

        name, company, line1, line2, postal_code, city, region, country = customer.address
        subtotal_amounts = [line_amounts(p.price, q, p.vat_bp) for p, q, _ in lines]
        subtotal = sum(a.line_total for a in subtotal_amounts)
        if shipping_method == "click_and_collect":
            shipping = 0
        elif country == "FR":
            shipping = 0 if subtotal >= 6000 else 490
        else:
            shipping = 0 if subtotal >= 10000 else 1290
        totals = order_totals(subtotal_amounts, shipping_total=shipping)
        total = totals.total

        # The story, as nominal delays after placement, squeezed into the order's age.
        span = (self.now - placed).total_seconds()
        pay_delay = {"card": rng.uniform(60, 600), "bank_transfer": rng.uniform(1, 4) * DAY,
                     "cheque": rng.uniform(3, 8) * DAY, "cash_on_pickup": 0.0}[method]
        steps = [pay_delay]
        for low, high in ((0.2, 1.5), (2, 5), (1, 4), (3, 14), (3, 8), (1, 3)):
            steps.append(steps[-1] + rng.uniform(low, high) * DAY)
        scale = min(1.0, span * 0.92 / steps[-1]) if steps[-1] else 1.0
        t_pay, t_ship, t_ship2, t_delivered, t_return, t_received, t_refund = (
            placed + timedelta(seconds=int(s * scale)) for s in steps)

        actor_placed = rng.choice(STAFF["call_centre"]) if channel == "phone" else "shop"
        waiting = {p.sku: qty for p, qty, _q in lines if open_order and p.out_of_stock}
        summary = f"Placed ({channel}), {len(lines)} line(s)"
        if waiting:
            summary += ", backordered: " + ", ".join(f"{n} x {sku}" for sku, n in waiting.items())
        self._event(order_id, placed, "order.placed", summary, actor_placed, total=total,
                    backordered=waiting)

        payments: list[tuple] = []
        paid_at = None
        paid = refunded = credited = surcharge_total = 0
        if scenario.payment == "failed":
            self._payment(order_id, "payment", method, total, "failed", t_pay, number, customer)
        elif scenario.payment == "partial":
            amount = total - max(100, int(total * rng.uniform(0.1, 0.5)) // 100 * 100)
            payments.append(self._payment(order_id, "payment", method, amount, "succeeded", t_pay, number,
                                          customer))
            paid = amount
        elif scenario.payment == "paid" and method != "cash_on_pickup":
            payments.append(self._payment(order_id, "payment", method, total, "succeeded", t_pay, number,
                                          customer))
            paid, paid_at = total, t_pay

        hold_reason = hold_until = None
        if scenario.status == "on_hold":
            hold_reason = rng.choice(HOLD_REASONS)
            summary = f"On hold: {hold_reason.replace('_', ' ')}"
            if hold_reason == "until_date":
                hold_until = self.now + timedelta(days=rng.randint(2, 10))
                summary += f" until {hold_until.date().isoformat()}"
            held_at = placed + timedelta(seconds=int(span * 0.5))
            self._event(order_id, held_at, "order.held", summary, rng.choice(STAFF["back_office"]),
                        reason=hold_reason, until=hold_until.isoformat() if hold_until else None,
                        note="")

        shipments: list[int] = []
        pick_list = None
        last_carrier = None
        ship_verified_at = None
        fulfilment = "unfulfilled"
        f = scenario.fulfilment
        if f in ("partial", "in_transit", "delivered"):
            carrier = self._carrier(country)
            last_carrier = carrier
            if rng.random() < 0.6:
                ship_verified_at = _between(t_pay, t_ship, 0.5)
                self._event(order_id, ship_verified_at, "address.verified", "Shipping address verified",
                            rng.choice(STAFF["back_office"]))
            parcels = self._parcels(lines, f)
            for index, parcel in enumerate(parcels):
                at = t_ship if index == 0 else t_ship2
                delivered_at = None
                status = "in_transit"
                if f == "delivered" or (f == "partial" and index == 0 and t_delivered < self.now):
                    delivered_at = t_delivered if index == len(parcels) - 1 else t_ship2
                    status = "delivered"
                shipments.append(self._shipment(order_id, carrier, parcel, at, status, delivered_at))
            fulfilment = {"partial": "partially_shipped", "in_transit": "shipped", "delivered": "delivered"}[f]
        elif f in ("ready", "collected"):
            self._event(order_id, t_ship, "order.ready_for_pickup", "Ready for pickup in store",
                        rng.choice(STAFF["dispatch"]))
            fulfilment = "ready_for_pickup"
            if f == "collected":
                collected_at = _between(t_ship, t_ship2, 0.5)
                if method == "cash_on_pickup":
                    payments.append(self._payment(order_id, "payment", method, total, "succeeded", collected_at,
                                                  number, customer))
                    paid, paid_at = total, collected_at
                for line in lines:
                    line[2]["shipped"] = line[1]
                shipments.append(self._shipment(order_id, "pickup", [(ln, ln[1]) for ln in lines],
                                                collected_at, "delivered", collected_at))
                fulfilment = "collected"
        elif f == "picking":
            pick_list = self._pick_list(order_id, t_ship, rng.choice(STAFF["dispatch"]))

        # Surcharges: a few delivered orders were upgraded to express, paid separately.
        if f == "delivered" and not scenario.after and rng.random() < 0.04:
            amount = rng.choice((790, 1190, 350))
            kind, reason = SURCHARGES[amount]
            at = _between(t_pay, t_ship, 0.33)
            actor = rng.choice(STAFF["call_centre"])
            self.rows.surcharge.append((self.ids.next("surcharge"), order_id, kind, reason, amount, 2000,
                                        None, actor, at))
            self._event(order_id, at, "surcharge.added", f"Surcharge of {format_minor(amount, 'EUR')}: {reason}",
                        actor, kind=kind, amount=amount, vat_rate_bp=2000, reason=reason,
                        supplementary_invoice=None)
            payments.append(self._payment(order_id, "payment", "card", amount, "succeeded", at, number, customer))
            surcharge_total, paid = amount, paid + amount

        # After delivery: returns, credit notes, refunds, goodwill.
        after = scenario.after
        if after:
            credited, refunded = self._after_delivery(order_id, after, lines, totals, method, number, customer,
                                                      t_return, t_received, t_refund)
            if after in ("return_unrefunded", "partial_return"):
                fulfilment = "partially_returned"
            elif after == "full_return":
                fulfilment = "returned"

        cancel_reason = cancelled_at = None
        if scenario.status == "cancelled":
            if scenario.payment == "paid":
                cancelled_at = _between(t_pay, t_ship, 0.5)
                cancel_reason = rng.choice(CANCEL_REASONS_PAID)
                credit_lines = [_credit_line(p.sku, p.name, qty, p.price, p.vat_bp) for p, qty, _q in lines]
                if shipping:
                    credit_lines.append(_shipping_line(shipping, customer.locale))
                cn = self._credit_note(order_id, None, cancelled_at, total, totals.tax_total, "Order cancelled",
                                       method, credit_lines, refund_at=cancelled_at, number=number,
                                       customer=customer)
                credited, refunded = cn, cn
            else:
                if method != "card" and span > 15 * DAY:
                    cancelled_at = placed + timedelta(days=14, minutes=rng.randint(0, 600))
                    cancel_reason = AUTO_CANCEL_REASON
                else:
                    cancelled_at = placed + timedelta(seconds=int(span * rng.uniform(0.1, 0.6)))
                    cancel_reason = rng.choice(CANCEL_REASONS)
            actor = AUTO_CANCEL_ACTOR if cancel_reason == AUTO_CANCEL_REASON else rng.choice(STAFF["back_office"])
            self._event(order_id, cancelled_at, "order.cancelled", cancel_reason, actor, reason=cancel_reason)

        # Line rows, now that their quantities are final.
        backordered_quantity = 0
        for position, (product, quantity, q) in enumerate(lines, start=1):
            amounts = line_amounts(product.price, quantity, product.vat_bp)
            if open_order:
                remaining = quantity - q["shipped"]
                if product.out_of_stock:
                    q["backordered"] = remaining
                else:
                    q["reserved"] = remaining
                self.reserved[product.id] = self.reserved.get(product.id, 0) + q["reserved"]
                self.backordered[product.id] = self.backordered.get(product.id, 0) + q["backordered"]
                backordered_quantity += q["backordered"]
            if scenario.fulfilment in ("ready", "picking") and not (f == "picking" and rng.random() < 0.5):
                q["picked"] = quantity - q["backordered"]
            if pick_list is not None and q["reserved"]:
                pick_list.lines.append((self.ids.next("pick_list_line"), pick_list.id, q["id"], product.id,
                                        product.bin_location, q["reserved"], q["picked"], 0))
            self.rows.order_line.append((
                q["id"], order_id, position, product.id, product.sku, product.name, product.barcode,
                product.bin_location, product.price, product.vat_bp, quantity, q["reserved"], q["backordered"],
                q["picked"], q["shipped"], q["returned"], amounts.line_total, amounts.tax_amount))

        if pick_list is not None:
            self._close_pick_list(order_id, pick_list, _between(t_ship, t_ship2, 0.5))
        note_count = self._notes(order_id, placed, span)
        payment_status = payment_status_for(total, paid, refunded).value
        balance = balance_due(total, surcharge_total, paid, refunded, credited,
                              cancelled=scenario.status == "cancelled")
        email, phone, full_name = customer.email, customer.phone, f"{customer.first_name} {customer.last_name}"
        search = f"{number} {customer.search_tail}"  # = order_search_text(number, name, ...), folded once
        self.rows.orders.append((
            order_id, number, customer.id, channel, customer.locale, "EUR", method, shipping_method,
            scenario.status, payment_status, fulfilment, hold_reason, hold_until, cancel_reason,
            email, full_name, phone,
            name, company, line1, line2, postal_code, city, region, country, phone, ship_verified_at,
            name, company, line1, line2, postal_code, city, region, country,
            totals.subtotal, shipping, totals.tax_total, total, surcharge_total, paid, refunded, credited, balance,
            search, note_count, backordered_quantity, last_carrier, None,
            placed, self._last_at, paid_at, cancelled_at, max(1, self._version)))

    def _lines(self, order_id: int, scenario: Scenario, open_order: bool) -> list:
        """[(product, quantity, mutable quantities)], distinct products, enough of them for the story."""
        rng = self.rng
        count = max(scenario.min_lines, rng.choices((1, 2, 3, 4, 5), weights=(45, 30, 15, 7, 3))[0])
        chosen: list[Product] = []
        if scenario.fulfilment == "backorder" or (scenario.fulfilment == "partial" and rng.random() < 0.5):
            chosen.append(rng.choice(self.catalogue.out_of_stock))
        while len(chosen) < count:
            product = self.catalogue.pick(rng)
            if product in chosen or (product.out_of_stock and scenario.fulfilment in ("ready", "partial")):
                continue
            if not product.active and open_order:
                continue
            chosen.append(product)
        if scenario.fulfilment == "partial":
            chosen.append(chosen.pop(0))  # the waiting product last: earlier lines leave first
        lines = []
        for product in chosen:
            quantity = rng.choices((1, 2, 3, 4), weights=(78, 15, 5, 2))[0]
            lines.append((product, quantity, {"id": self.ids.next("order_line"), "reserved": 0,
                                              "backordered": 0, "picked": 0, "shipped": 0, "returned": 0}))
        return lines

    def _parcels(self, lines: list, fulfilment: str) -> list[list]:
        """Which (line, quantity) go in each parcel; for a partial shipment, some stay behind."""
        rng = self.rng
        if fulfilment == "partial":
            waiting = lines[-1]
            leaving = [(ln, ln[1]) for ln in lines[:-1]]
            if not waiting[0].out_of_stock and waiting[1] > 1:
                leaving.append((waiting, waiting[1] - 1))  # part of the last line leaves too
            parcels = [leaving]
        else:
            parcels = [[(ln, ln[1]) for ln in lines]]
        if len(parcels[0]) >= 2 and rng.random() < 0.35:  # two parcels, a few days apart
            parcels = [parcels[0][:1], parcels[0][1:]]
        for parcel in parcels:
            for line, quantity in parcel:
                line[2]["shipped"] += quantity
                line[2]["picked"] += quantity
        return parcels

    def _shipment(self, order_id: int, carrier: str, parcel: list, at: datetime, status: str,
                  delivered_at: datetime | None) -> int:
        shipment_id = self.ids.next("shipment")
        tracking = "" if carrier == "pickup" else self._tracking(carrier)
        url = TRACKING_URL[carrier].format(tracking) if tracking else ""
        actor = self.rng.choice(STAFF["dispatch"])
        label_at = None if carrier == "pickup" else at - timedelta(minutes=self.rng.randint(5, 90))
        self.rows.shipment.append((shipment_id, order_id, carrier, CARRIER_SERVICE[carrier], tracking, url, status,
                                   at, delivered_at, label_at, actor, at))
        for line, quantity in parcel:
            self.rows.shipment_line.append((self.ids.next("shipment_line"), shipment_id, line[2]["id"], quantity))
        if carrier == "pickup":
            self._event(order_id, at, "order.collected", "Collected in store", actor)
            return shipment_id
        # As services/fulfilment/shipping.ship_order and _apply_tracking write them.
        name = CARRIER_NAMES[carrier].name
        units = sum(q for _, q in parcel)
        self._event(order_id, at, "shipment.created", f"{units} unit(s) shipped with {name} {tracking}", actor,
                    id=shipment_id, carrier=carrier, service=CARRIER_SERVICE[carrier], tracking_number=tracking,
                    tracking_url=url, lines=[{"sku": line[0].sku, "name": line[0].name, "quantity": quantity}
                                             for line, quantity in parcel])
        if delivered_at:
            self._event(order_id, delivered_at, "shipment.tracking", f"{name} {tracking}: delivered",
                        f"webhook:{carrier}", shipment_id=shipment_id, status="delivered", carrier=carrier,
                        tracking_number=tracking, occurred_at=delivered_at.isoformat())
        return shipment_id

    def _pick_list(self, order_id: int, at: datetime, actor: str) -> _PickList:
        """The order on a pick list of its own, as services/fulfilment/picking starts one."""
        number = pick_list_number(self.seq.next("pick_list", 0))
        pick_list = _PickList(self.ids.next("pick_list"), number, at, actor)
        self._event(order_id, at, "picking.started", f"On pick list {number}", actor, pick_list=number)
        return pick_list

    def _close_pick_list(self, order_id: int, pick_list: _PickList, done_at: datetime) -> None:
        """Write the pick list once its lines are known; complete when everything was picked."""
        complete = bool(pick_list.lines) and all(ln[6] == ln[5] for ln in pick_list.lines)
        self.rows.pick_list.append((pick_list.id, pick_list.number, "completed" if complete else "open",
                                    None, None, pick_list.at, done_at if complete else None))
        self.rows.pick_list_line.extend(pick_list.lines)
        if complete:
            self._event(order_id, done_at, "picking.completed", f"Picked on pick list {pick_list.number}",
                        pick_list.actor, pick_list=pick_list.number)

    def _carrier(self, country: str) -> str:
        options = CARRIERS["FR" if country == "FR" else "EU"]
        return self.rng.choices([c for c, _ in options], weights=[w for _, w in options])[0]

    def _payment(self, order_id: int, kind: str, method: str, amount: int, status: str, at: datetime,
                 number: str, customer) -> tuple:
        if method == "card":
            ref, source, actor = ("PSP-RF-" if kind == "refund" else "PSP-") + self._ref(8), "webhook", "webhook:payments"
        elif method == "bank_transfer":
            word = "RBT" if kind == "refund" else "SEPA"
            ref = f"VIR {word} {fold(customer.last_name).upper()} CMD {number}"
            source, actor = ("manual", self.rng.choice(STAFF["back_office"])) if kind == "refund" else (
                "bank_statement", self.rng.choice(STAFF["back_office"]))
        elif method == "cheque":
            ref, source, actor = f"CHQ {self._digits(7)}", "manual", self.rng.choice(STAFF["back_office"])
        else:
            ref, source, actor = f"CAISSE-{self._digits(6)}", "manual", self.rng.choice(STAFF["dispatch"])
        row = (self.ids.next("payment"), order_id, kind, method, amount, "EUR", status, ref,
               at.date() if method in ("bank_transfer", "cheque") else None, source, actor, at)
        self.rows.payment.append(row)
        # As services/payments/money (apply_payment, record_refund, record_failure) write them.
        money = format_minor(amount, "EUR")
        if status == "failed":
            self._event(order_id, at, "payment.failed", "Payment attempt failed", actor, amount=amount,
                        currency="EUR", transaction_ref=ref, source=source, reason="")
        elif kind == "refund":
            self._event(order_id, at, "payment.refunded", f"Refund of {money} recorded", actor, amount=amount,
                        currency="EUR", transaction_ref=ref, source=source)
        else:
            self._event(order_id, at, "payment.recorded", f"Payment of {money} recorded", actor, amount=amount,
                        currency="EUR", transaction_ref=ref, method=method, source=source,
                        received_on=row[8].isoformat() if row[8] else None)
        return row

    def _credit_note(self, order_id: int, return_id: int | None, at: datetime, amount: int, tax: int,
                     reason: str, method: str, lines: list, refund_at: datetime | None, number: str,
                     customer) -> int:
        year = fiscal_year(at)
        cn_number = document_number(SequenceKind.CREDIT_NOTE, year, self.seq.next("credit_note", year))
        refund_method = "card" if method == "card" else "bank_transfer"
        refund_ref = ""
        if refund_at is not None:
            refund_ref = self._payment(order_id, "refund", refund_method, amount, "succeeded", refund_at, number,
                                       customer)[7]
        actor = self.rng.choice(STAFF["back_office"])
        self.rows.credit_note.append((self.ids.next("credit_note"), order_id, return_id, cn_number, at, amount,
                                      tax, "EUR", reason, refund_method, refund_ref, json.dumps(lines), actor))
        self._event(order_id, at, "credit_note.issued", f"Credit note {cn_number} issued", actor,
                    number=cn_number, amount=amount)
        return amount

    def _after_delivery(self, order_id: int, after: str, lines: list, totals, method: str, number: str,
                        customer, t_return: datetime, t_received: datetime, t_refund: datetime) -> tuple[int, int]:
        """Return, credit and refund after delivery; gives (credited, refunded)."""
        rng = self.rng
        if after == "goodwill":
            amount = max(100, totals.subtotal * rng.choice((10, 15, 20)) // 100 // 100 * 100)
            reason = "Geste commercial : colis arrivé abîmé"  # typed by the shop's staff
            credited = self._credit_note(order_id, None, t_return, amount, vat_included_tax(amount, 2000),
                                         reason, method,
                                         [_credit_line("", reason, 1, amount, 2000)], t_return,
                                         number, customer)
            return credited, credited
        if after == "full_return":
            back = [(ln, ln[1]) for ln in lines]
        else:
            first = lines[0]
            back = [(first, first[1] if first[1] == 1 or rng.random() < 0.5 else first[1] - 1)]
        rma_id = self.ids.next("return_request")
        rma = rma_number(t_return.year, self.seq.next("rma", t_return.year))
        received = after != "return_authorised"
        actor = rng.choice(STAFF["back_office"])
        self.rows.return_request.append((rma_id, order_id, rma, "return", "closed" if after in (
            "partial_return", "full_return") else "received" if received else "authorised", actor, t_return,
            t_received if received else None))
        credit_lines, authorised, receipts = [], [], []
        amount = tax = 0
        for line, quantity in back:
            product, q = line[0], line[2]
            condition = rng.choices(("resellable", "damaged"), weights=(85, 15))[0] if received else None
            reason = rng.choice(RETURN_REASONS)
            restocked, written_off = (quantity if condition == "resellable" else 0,
                                      quantity if condition == "damaged" else 0)
            write_off_reason = "Abîmé pendant le transport" if condition == "damaged" else ""
            self.rows.return_line.append((
                self.ids.next("return_line"), rma_id, q["id"], quantity, reason, condition,
                restocked, written_off, write_off_reason, None, 0, None))
            authorised.append({"sku": product.sku, "name": product.name, "quantity": quantity, "reason": reason})
            receipts.append({"sku": product.sku, "name": product.name, "restocked": restocked,
                             "written_off": written_off, "write_off_reason": write_off_reason})
            if received:
                q["returned"] = quantity
                line_total = product.price * quantity
                amount += line_total
                tax += vat_included_tax(line_total, product.vat_bp)
                credit_lines.append(_credit_line(product.sku, product.name, quantity, product.price, product.vat_bp))
        # As services/returns/rma (authorise_return, receive_return) write them.
        self._event(order_id, t_return, "return.authorised",
                    f"{rma} authorised: " + ", ".join(f"{ln['quantity']} x {ln['sku']}" for ln in authorised),
                    actor, rma=rma, kind="return", lines=authorised)
        if not received:
            return 0, 0
        restocked, written_off = (sum(r["restocked"] for r in receipts), sum(r["written_off"] for r in receipts))
        self._event(order_id, t_received, "return.received",
                    f"{rma} received: {restocked} back in stock, {written_off} written off",
                    rng.choice(STAFF["dispatch"]), rma=rma, restocked=restocked, written_off=written_off,
                    lines=receipts)
        if after == "full_return":
            amount, tax = totals.total, totals.tax_total  # the shipping is refunded too
            if totals.shipping_total:
                credit_lines.append(_shipping_line(totals.shipping_total, customer.locale))
        credited = self._credit_note(order_id, rma_id, t_received, amount, tax, f"Return {rma}", method,
                                     credit_lines, None if after == "return_unrefunded" else t_refund,
                                     number, customer)
        return credited, (0 if after == "return_unrefunded" else credited)

    def _notes(self, order_id: int, placed: datetime, span: float) -> int:
        rng = self.rng
        count = rng.choices((0, 1, 2), weights=(88, 9, 3))[0]
        for _ in range(count):
            at = placed + timedelta(seconds=int(span * rng.uniform(0.01, 0.5)))
            author = rng.choice(STAFF["call_centre"] + STAFF["back_office"])
            body = rng.choice(NOTES)
            self.rows.order_note.append((self.ids.next("order_note"), order_id, body, rng.random() < 0.1, None,
                                         author, at))
            summary = body if len(body) <= 120 else body[:119] + "…"
            self._event(order_id, at, "note.added", summary, author, body=summary)
        return count
