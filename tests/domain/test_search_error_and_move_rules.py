"""Small rules no domain test read: search folding, the domain errors' texts and details,
every phone of a draft in E.164, a refund's state moves and a stale line quantity."""

import pytest

from dashboard.domain.errors import (
    DomainError, IdempotencyKeyInFlight, IdempotencyKeyReused, InsufficientStock,
    InvalidTransition, SignInRefused, StaleVersion, TooManyAttempts, ValidationFailed,
)
from dashboard.domain.orders.changes import check_line_not_stale
from dashboard.domain.orders.edits import Conflict
from dashboard.domain.orders.intake import (
    AddressDetails, CustomerDetails, DraftLine, OrderDraft, with_e164_phones,
)
from dashboard.domain.payments.refunds import (
    RefundRoute, RefundState, check_completable, check_move, first_state,
)
from dashboard.domain.search import (
    customer_search_text, fold, holds_words, order_search_text, product_haystack,
    product_search_words,
)


# --- search --------------------------------------------------------------------------------

def test_fold_is_lower_case_accent_free_and_single_spaced():
    assert fold("  Hélène \t MÜLLER ") == "helene muller"
    assert fold("Straße") == "strasse"
    assert fold(None) == ""


def test_a_product_is_searched_in_its_name_and_sku():
    assert product_haystack("Tasse Émaillée", "MUG-01") == "tasse emaillee mug-01"


def test_product_search_words_are_none_when_one_is_too_short():
    assert product_search_words(" Tasse  émail ") == ("tasse", "email")
    assert product_search_words("tasse de", min_word=3) == ()
    assert product_search_words("tasse bol", min_word=3) == ("tasse", "bol")
    assert product_search_words("a") == ("a",)
    assert product_search_words("  ") == ()


def test_a_haystack_holds_every_word_and_no_words_finds_nothing():
    assert holds_words("tasse emaillee mug-01", ("tasse", "mug"))
    assert not holds_words("tasse emaillee", ("tasse", "bol"))
    assert not holds_words("tasse", ())


def test_a_customer_is_searched_by_name_company_email_phone_digits_and_postcodes():
    customer = {"first_name": "Hélène", "last_name": "Dupont", "company": None,
                "email": "Helene@Example.fr", "phone": "+33 6 12 34 56 78"}
    assert customer_search_text(customer, ["75002", "69001"]) == (
        "helene dupont helene@example.fr +33 6 12 34 56 78 33612345678 75002 69001")
    assert customer_search_text({}, []) == ""
    assert customer_search_text({"last_name": "Roy"}, []) == "roy"


def test_an_order_is_searched_with_its_phones_also_as_bare_digits():
    assert order_search_text("100042", "Anne Dupont", None, "+33 6 12 34 56 78", "75002") == (
        "100042 anne dupont +33 6 12 34 56 78 75002 33612345678")
    # eight digits at least, and only when spelled otherwise than as the bare digits
    assert order_search_text("12345678", "06 12 34", "0612-3456") == (
        "12345678 06 12 34 0612-3456 06123456")
    assert order_search_text() == ""


# --- domain errors -------------------------------------------------------------------------

def test_each_domain_error_says_what_and_carries_its_details():
    error = DomainError("No.", order=7)
    assert (str(error), error.message, error.details, error.code) == ("No.", "No.",
                                                                       {"order": 7},
                                                                       "domain_error")
    failed = ValidationFailed({"a": "bad"})
    assert (failed.message, failed.fields, failed.details) == ("Invalid input", {"a": "bad"},
                                                               {"fields": {"a": "bad"}})
    moved = InvalidTransition("status", "cancelled", "open")
    assert moved.message == "status cannot go from cancelled to open"
    assert moved.details == {"axis": "status", "current": "cancelled", "target": "open"}
    assert moved.code == "invalid_transition"
    short = InsufficientStock([{"sku": "MUG", "short": 2}])
    assert (short.message, short.short, short.details) == (
        "Not enough stock for some lines", [{"sku": "MUG", "short": 2}],
        {"short": [{"sku": "MUG", "short": 2}]})
    assert short.code == "insufficient_stock"
    slow = TooManyAttempts(90)
    assert (slow.message, slow.retry_after_seconds, slow.details, slow.code) == (
        "Too many failed attempts", 90, {"retry_after": 90}, "too_many_attempts")


def test_a_refused_sign_in_names_its_reason():
    refused = SignInRefused("no_role")
    assert (refused.message, refused.reason, refused.details, refused.code) == (
        "no_role", "no_role", {"reason": "no_role"}, "sign_in_refused")
    assert SignInRefused("no_role", "No staff role here.").message == "No staff role here."


def test_idempotency_key_errors():
    reused, in_flight = IdempotencyKeyReused(), IdempotencyKeyInFlight()
    assert reused.message == "This Idempotency-Key was already used for a different order."
    assert in_flight.message == "An order with this Idempotency-Key is still being placed."
    assert (reused.code, in_flight.code) == ("idempotency_key_reused",
                                             "idempotency_key_in_flight")
    assert reused.details == {} == in_flight.details


# --- phones of a draft ---------------------------------------------------------------------

def address(country, phone):
    return AddressDetails(name="A", line1="1 rue", postal_code="1000", city="X",
                          country=country, phone=phone)


def test_every_phone_of_a_draft_is_stored_in_e164():
    draft = OrderDraft(customer=CustomerDetails(email="a@b.fr", phone="0470 12 34 56"),
                       shipping_address=address("FR", "06 12 34 56 78"),
                       billing_address=address("BE", "0470 12 34 57"),
                       lines=[DraftLine("MUG", 1)])
    out = with_e164_phones(draft, "FR")
    assert out.customer.phone == "+32470123456"       # as of the billing country
    assert out.shipping_address.phone == "+33612345678"
    assert out.billing_address.phone == "+32470123457"
    assert out.lines == [DraftLine("MUG", 1)] and out.customer.email == "a@b.fr"


def test_without_a_billing_address_or_countries_the_shop_country_reads_the_phones():
    draft = OrderDraft(customer=CustomerDetails(email="a@b.fr", phone="06 12 34 56 78"),
                       shipping_address=address("", "0470 12 34 56"), lines=[])
    out = with_e164_phones(draft, "BE")
    assert out.shipping_address.phone == "+32470123456"
    assert out.billing_address is None
    assert out.customer.phone == "+32612345678"  # read as a Belgian number
    ship_fr = OrderDraft(customer=CustomerDetails(email="a@b.fr", phone="06 12 34 56 78"),
                         shipping_address=address("FR", ""), lines=[])
    assert with_e164_phones(ship_fr, "BE").customer.phone == "+33612345678"


# --- refund moves --------------------------------------------------------------------------

def test_the_first_state_of_a_refund():
    assert first_state(RefundRoute.CARD, True) is RefundState.PENDING
    assert first_state(RefundRoute.CARD, False) is RefundState.TO_MAKE
    assert first_state(RefundRoute.BANK_TRANSFER, True) is RefundState.TO_MAKE


@pytest.mark.parametrize("current, to", [
    ("failed", RefundState.PENDING), ("pending", RefundState.TO_MAKE),
    ("failed", RefundState.TO_MAKE), ("pending", RefundState.CANCELLED),
    ("to_make", RefundState.CANCELLED), ("failed", RefundState.CANCELLED),
])
def test_the_moves_an_open_refund_may_make(current, to):
    assert check_move(current, to) is None


@pytest.mark.parametrize("current, to, message", [
    ("done", RefundState.CANCELLED, "This refund is already recorded."),
    ("done", RefundState.PENDING, "This refund is already recorded."),
    ("cancelled", RefundState.TO_MAKE, "This refund cannot change any more."),
    ("pending", RefundState.PENDING, "This refund cannot change any more."),
    ("to_make", RefundState.TO_MAKE, "This refund cannot change any more."),
    ("to_make", RefundState.PENDING, "This refund cannot change any more."),
])
def test_the_moves_it_may_not(current, to, message):
    with pytest.raises(DomainError) as caught:
        check_move(current, to)
    assert caught.value.message == message


def test_only_an_open_refund_is_recorded_as_made():
    for current in ("pending", "to_make", "failed"):
        assert check_completable(current) is None
    for current, message in (("done", "This refund is already recorded."),
                             ("cancelled", "This refund was cancelled.")):
        with pytest.raises(DomainError) as caught:
            check_completable(current)
        assert caught.value.message == message


# --- a stale line quantity -----------------------------------------------------------------

def test_a_quantity_change_based_on_a_changed_quantity_is_refused_with_the_conflict():
    assert check_line_not_stale("MUG", 2, 2, 5) is None
    with pytest.raises(StaleVersion) as caught:
        check_line_not_stale("MUG", 2, 3, 5)
    assert caught.value.message == "Someone else changed this line since you opened it"
    assert caught.value.details == {"conflicts": [Conflict("MUG", "2", "3", "5")]}
