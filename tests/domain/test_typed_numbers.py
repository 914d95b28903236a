"""Typed amounts and quantities: plain decimal digits in the user's language, or refused."""

import pytest

from dashboard.domain.errors import ValidationFailed
from dashboard.domain.numbers import Message, currency_decimals, parse_count, parse_money

CAP = 1_000_000_00


def money(text, **kw):
    kw.setdefault("maximum", CAP)
    return parse_money(text, field="amount", **kw)


def refusal(call, *args, **kw) -> str:
    with pytest.raises(ValidationFailed) as caught:
        call(*args, **kw)
    return caught.value.fields[kw.get("field", "amount")]


@pytest.mark.parametrize("text, cents", [
    ("12,50", 1250), ("12.50", 1250), ("12", 1200), ("0,5", 50), (" 7 ", 700),
    ("1 234,50", 123450), ("1\u00a0234,50", 123450), ("234\u202f567", 23456700),
    ("1000000", 100000000),
])
def test_french_amounts(text, cents):
    assert money(text) == cents


@pytest.mark.parametrize("text, cents", [("12.50", 1250), ("1,234.50", 123450), ("3", 300)])
def test_english_amounts(text, cents):
    assert money(text, locale="en") == cents


@pytest.mark.parametrize("text", [
    "1e9", "1E9", "1e400", "1_000", "١٢", "١٢,٥٠", "１２", "inf", "-inf", "Infinity", "nan",
    "NaN", "0x10", "12,50 €", "+12", "12,,5", "1.234,50", "1 23,50", "12 , 50", "", "   ",
    "1" * 40, "12\x00", "½",
])
def test_hostile_or_malformed_amounts_are_refused(text):
    message = refusal(money, text)
    assert message in ("Type an amount in digits, such as 12,50.", "Required.")


def test_english_refuses_the_french_comma():
    assert refusal(money, "12,50", locale="en") == "Type an amount in digits, such as 12.50."


def test_decimals_follow_the_currency():
    assert refusal(money, "12,505") == "At most 2 decimals."
    assert money("1200", decimals=0) == 1200
    assert refusal(money, "12,5", decimals=0) == "No decimals for this currency."
    assert money("1,234", decimals=3) == 1234
    assert (currency_decimals("EUR"), currency_decimals("JPY"), currency_decimals("KWD")) == (2, 0, 3)


def test_sign_zero_and_bound():
    assert refusal(money, "-5") == "The amount cannot be negative."
    assert money("-5", allow_negative=True) == -500
    assert refusal(money, "0") == "The amount must be more than zero."
    assert money("0,00", allow_zero=True) == 0
    message = refusal(money, "1000000,01")
    assert message == "The amount must not exceed 1\u202f000\u202f000."
    assert isinstance(message, Message) and message.values == {"maximum": "1\u202f000\u202f000"}


def test_refusal_messages_translate_with_their_values():
    message = refusal(money, "12,505")
    french = {"At most %(decimals)s decimals.": "%(decimals)s décimales au plus."}
    assert message.translate(lambda m: french.get(m, m)) == "2 décimales au plus."


@pytest.mark.parametrize("text, value", [("3", 3), (" 12 ", 12), ("0", 0), ("10000", 10000)])
def test_quantities(text, value):
    assert parse_count(text, field="q", maximum=10_000) == value


@pytest.mark.parametrize("text", ["-1", "1.5", "1,0", "1e3", "1_0", "٣", "３", "inf", "nan",
                                  "+2", "", "0x1", "9" * 40, "2\x00"])
def test_quantities_are_ascii_digits_only(text):
    message = refusal(parse_count, text, field="q", maximum=10_000)
    assert message in ("Type a whole number in digits, such as 3.", "Required.")


def test_quantity_bounds_and_default():
    assert refusal(parse_count, "10001", field="q", maximum=10_000) == \
        "Type a whole number from 0 to 10000."
    assert refusal(parse_count, "0", field="q", minimum=1, maximum=5) == \
        "Type a whole number from 1 to 5."
    assert parse_count("", field="q", maximum=5, default=0) == 0


@pytest.mark.parametrize("text", ["1e9", "1_000", "١٢", "inf", "nan", "1e400", "NaN", "-inf",
                                  "999999999999"])
def test_bank_statement_amounts_refuse_what_decimal_would_take(text):
    from dashboard.domain.payments.bank_statements import parse_amount

    with pytest.raises(ValueError):
        parse_amount(text)


def test_bank_statement_amounts_still_read_bank_formats():
    from dashboard.domain.payments.bank_statements import parse_amount

    assert parse_amount("1 234,56") == 123456 and parse_amount("-12,00 €") == -1200
    assert parse_amount("1,234.56") == 123456


def test_a_message_survives_storage_with_its_amounts():
    from dashboard.domain.numbers import Amount, Message

    message = Message("At most %(amount)s for %(number)s.", amount=Amount(29800, "EUR"),
                      number="CMD-1")
    data = message.to_data()
    assert data == {"template": "At most %(amount)s for %(number)s.",
                    "values": {"amount": {"minor": 29800, "currency": "EUR"}, "number": "CMD-1"}}
    again = Message.from_data(data)
    assert again == message == "At most 298.00 EUR for CMD-1."
    assert again.values["amount"] == Amount(29800, "EUR")
    assert Message.of("plain").to_data() == {"template": "plain", "values": {}}
    assert Message.of(message) is message
