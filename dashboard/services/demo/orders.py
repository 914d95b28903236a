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
from datetime import datetime, timedelta

from dashboard.domain.printing import SequenceKind, document_number
from dashboard.domain.printing import rma_number
from dashboard.domain.pricing import balance_due, line_amounts, order_totals, vat_included_tax
from dashboard.domain.search import fold
from dashboard.domain.statuses import payment_status_for
from dashboard.services.demo.catalogue import Catalogue, Product
from dashboard.services.demo.customers import CustomerPool
from dashboard.services.demo.rows import Ids, Rows, Sequences
from dashboard.services.demo.scenarios import DAY, Scenario
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
HOLD_REASONS = ("payment_check", "address_check", "customer_request", "fraud_review")
RETURN_REASONS = ("wrong_size", "changed_mind", "damaged", "not_as_described", "late_delivery")
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


def _credit_line(sku: str, name: str, quantity: int, unit_price: int, vat_bp: int) -> dict:
    """A credit note line as services/printing/documents.issue_credit_note takes them."""
    return {"sku": sku, "name": name, "quantity": quantity, "unit_price": unit_price, "vat_rate_bp": vat_bp}


def _shipping_line(amount: int) -> dict:
    return _credit_line("SHIPPING", "Shipping", 1, amount, 2000)


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

    def _event(self, order_id: int, at: datetime, kind: str, summary: str, actor: str = "system",
               **data) -> None:
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
        self._event(order_id, placed, "order.placed",
                    f"Order placed ({'phone' if channel == 'phone' else 'web shop'}), {len(lines)} line(s)",
                    actor_placed, total=total, payment_method=method)

        payments: list[tuple] = []
        paid_at = None
        paid = refunded = credited = surcharge_total = 0
        if scenario.payment == "failed":
            self._payment(order_id, "payment", method, total, "failed", t_pay, number, customer)
            self._event(order_id, t_pay, "payment.failed", "Card payment declined", "webhook:payments",
                        amount=total)
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
            if hold_reason == "customer_request":
                hold_until = self.now + timedelta(days=rng.randint(2, 10))
            held_at = placed + timedelta(seconds=int(span * 0.5))
            self._event(order_id, held_at, "order.held", f"Put on hold: {hold_reason}",
                        rng.choice(STAFF["back_office"]), reason=hold_reason)

        shipments: list[int] = []
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
            self._event(order_id, t_ship, "pick.started", "Picking started", rng.choice(STAFF["dispatch"]))

        # Surcharges: a few delivered orders were upgraded to express, paid separately.
        if f == "delivered" and not scenario.after and rng.random() < 0.04:
            amount = rng.choice((790, 1190, 350))
            kind, reason = (("labour", "Gift wrapping") if amount == 350
                            else ("shipping_change", "Upgrade to express delivery"))
            at = _between(t_pay, t_ship, 0.33)
            self.rows.surcharge.append((self.ids.next("surcharge"), order_id, kind, reason, amount, 2000,
                                        None, rng.choice(STAFF["call_centre"]), at))
            self._event(order_id, at, "surcharge.added", f"Surcharge: {reason}", rng.choice(STAFF["call_centre"]),
                        amount=amount)
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
                cancel_reason = rng.choice(("Cancelled at the customer's request (phone call)",
                                            "Customer ordered the wrong size and will reorder"))
                credit_lines = [_credit_line(p.sku, p.name, qty, p.price, p.vat_bp) for p, qty, _q in lines]
                if shipping:
                    credit_lines.append(_shipping_line(shipping))
                cn = self._credit_note(order_id, None, cancelled_at, total, totals.tax_total, "Order cancelled",
                                       method, credit_lines, refund_at=cancelled_at, number=number,
                                       customer=customer)
                credited, refunded = cn, cn
            else:
                if method != "card" and span > 15 * DAY:
                    cancelled_at = placed + timedelta(days=14, minutes=rng.randint(0, 600))
                    cancel_reason = "Payment not received within 14 days"
                else:
                    cancelled_at = placed + timedelta(seconds=int(span * rng.uniform(0.1, 0.6)))
                    cancel_reason = rng.choice(("Cancelled at the customer's request",
                                                "Duplicate order", "Customer no longer reachable"))
            actor = "system" if cancel_reason.startswith("Payment not") else rng.choice(STAFF["back_office"])
            self._event(order_id, cancelled_at, "order.cancelled", cancel_reason, actor)

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
            self.rows.order_line.append((
                q["id"], order_id, position, product.id, product.sku, product.name, product.barcode,
                product.bin_location, product.price, product.vat_bp, quantity, q["reserved"], q["backordered"],
                q["picked"], q["shipped"], q["returned"], amounts.line_total, amounts.tax_amount))

        note_count = self._notes(order_id, placed, span)
        if scenario.status == "closed":
            self._event(order_id, self._last_at + timedelta(minutes=1), "order.closed", "Order closed")
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
        units = sum(q for _, q in parcel)
        if carrier == "pickup":
            self._event(order_id, at, "order.collected", f"Collected in store ({units} item(s))", actor)
        else:
            self._event(order_id, at, "shipment.created", f"Shipped with {carrier}, tracking {tracking}", actor,
                        carrier=carrier, tracking_number=tracking, quantity=units)
            if delivered_at:
                self._event(order_id, delivered_at, "shipment.delivered", f"Delivered by {carrier}",
                            f"webhook:{carrier}", tracking_number=tracking)
        return shipment_id

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
        if status == "succeeded":
            what = "Refund" if kind == "refund" else "Payment"
            self._event(order_id, at, "refund.recorded" if kind == "refund" else "payment.recorded",
                        f"{what} of {amount / 100:.2f} EUR by {method} ({ref})", actor, amount=amount,
                        method=method, transaction_ref=ref)
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
        self._event(order_id, at, "credit_note.issued", f"Credit note {cn_number}: {amount / 100:.2f} EUR",
                    actor, number=cn_number, amount=amount)
        return amount

    def _after_delivery(self, order_id: int, after: str, lines: list, totals, method: str, number: str,
                        customer, t_return: datetime, t_received: datetime, t_refund: datetime) -> tuple[int, int]:
        """Return, credit and refund after delivery; gives (credited, refunded)."""
        rng = self.rng
        if after == "goodwill":
            amount = max(100, totals.subtotal * rng.choice((10, 15, 20)) // 100 // 100 * 100)
            credited = self._credit_note(order_id, None, t_return, amount, vat_included_tax(amount, 2000),
                                         "Goodwill gesture: parcel arrived damaged", method,
                                         [_credit_line("", "Goodwill gesture", 1, amount, 2000)], t_return,
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
        self._event(order_id, t_return, "return.authorised", f"Return {rma} authorised", actor, rma=rma)
        credit_lines = []
        amount = tax = 0
        for line, quantity in back:
            product, q = line[0], line[2]
            condition = rng.choices(("resellable", "damaged"), weights=(85, 15))[0] if received else None
            self.rows.return_line.append((
                self.ids.next("return_line"), rma_id, q["id"], quantity, rng.choice(RETURN_REASONS), condition,
                quantity if condition == "resellable" else 0, quantity if condition == "damaged" else 0,
                "Damaged in transit" if condition == "damaged" else "", None, 0, None))
            if received:
                q["returned"] = quantity
                line_total = product.price * quantity
                amount += line_total
                tax += vat_included_tax(line_total, product.vat_bp)
                credit_lines.append(_credit_line(product.sku, product.name, quantity, product.price, product.vat_bp))
        if not received:
            return 0, 0
        self._event(order_id, t_received, "return.received", f"Return {rma} received", rng.choice(STAFF["dispatch"]),
                    rma=rma)
        if after == "full_return":
            amount, tax = totals.total, totals.tax_total  # the shipping is refunded too
            if totals.shipping_total:
                credit_lines.append(_shipping_line(totals.shipping_total))
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
            self._event(order_id, at, "note.added", "Note added", author)
        return count
