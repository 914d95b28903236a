"""Scan-to-pick, carrier tracking numbers and label printers, without a database: what a
scan means, which tracking numbers each carrier issues, the printers setting, label
geometry and the print retry rule."""

from datetime import datetime, timedelta, timezone

import pytest

from dashboard.domain.errors import ValidationFailed
from dashboard.domain.fulfilment.carriers import (
    CARRIERS, DEFAULT_CARRIER, carrier_choices, get_carrier, guess_carrier,
    normalise_tracking, validate_tracking,
)
from dashboard.domain.fulfilment.picking import (
    MAX_SCAN_QUANTITY, PickLine, ScanResult, is_complete, parse_scan, pick_list_number,
    plan_late_edit, plan_scan, progress,
)
from dashboard.domain.printing.labels import (
    LEASE_SECONDS, MAX_ATTEMPTS, LabelGeometry, Printer, after_failure, label_geometry,
    parse_printers,
)


def refusal(check, *args) -> ValidationFailed:
    with pytest.raises(ValidationFailed) as caught:
        check(*args)
    return caught.value


# --- picking -------------------------------------------------------------------------------

@pytest.mark.parametrize("typed, parsed", [
    ("3760123456789", (1, "3760123456789")),
    ("  MUG-01 ", (1, "MUG-01")),
    ("3*EAN", (3, "EAN")),
    ("12 x EAN", (12, "EAN")),
    ("2X EAN", (2, "EAN")),
    ("999*EAN", (MAX_SCAN_QUANTITY, "EAN")),
    ("1*EAN", (1, "EAN")),
    ("\u0663*EAN", (1, "\u0663*EAN")),  # another script's digit is no quantity: all code
])
def test_a_scan_reads_an_optional_quantity_then_a_code(typed, parsed):
    assert parse_scan(typed) == parsed


@pytest.mark.parametrize("typed", ["", None, "   ", "two words"])
def test_nothing_scanned(typed):
    caught = refusal(parse_scan, typed)
    assert caught.message == "Nothing scanned"
    assert caught.fields == {"code": "scan a barcode, or type a quantity like 3*EAN"}


@pytest.mark.parametrize("typed", ["0*EAN", "1000*EAN"])
def test_a_scanned_quantity_is_from_1_to_999(typed):
    caught = refusal(parse_scan, typed)
    assert caught.message == "Invalid quantity"
    assert caught.fields == {"code": "a quantity from 1 to 999"}


def line(id, quantity=2, picked=0, short=0, barcode="376", sku="mug"):
    return PickLine(id, barcode, sku, quantity, picked, short)


def test_missing_units_are_wanted_minus_picked_and_short_never_negative():
    assert line(1, 5, 2, 1).missing == 2
    assert line(1, 1, 2, 0).missing == 0


def test_a_scan_matches_the_barcode_or_the_sku_in_any_case():
    assert line(1).matches("376")
    assert line(1).matches("MUG") and line(1).matches("Mug")
    assert not line(1).matches("37")
    assert not line(1, barcode=None).matches("37")


def test_a_scan_counts_into_the_first_lines_still_missing_units():
    lines = [line(1, 2, 2), line(2, 2, 1), line(3, 3), line(4, 1, barcode="999", sku="cup")]
    assert plan_scan("376", 3, lines) == (ScanResult.COUNTED, [(2, 1), (3, 2)])
    assert plan_scan("376", 4, lines) == (ScanResult.COUNTED, [(2, 1), (3, 3)])


def test_more_units_than_missing_is_an_over_pick_and_an_unknown_code_counts_nothing():
    lines = [line(1, 2, 1)]
    assert plan_scan("376", 2, lines) == (ScanResult.OVER_PICK, [])
    assert plan_scan("nothing", 1, lines) == (ScanResult.UNKNOWN, [])


def test_progress_and_completion():
    lines = [line(1, 2, 1, 1), line(2, 3, 1)]
    assert progress(lines) == (3, 5)
    assert not is_complete(lines)
    assert is_complete([line(1, 2, 1, 1), line(2, 3, 3)])
    assert is_complete([])


def test_a_late_edit_picks_more_puts_back_or_only_adjusts():
    assert plan_late_edit(target=5, quantity=3, picked=1, short=0) == ("pick_more", 2)
    assert plan_late_edit(target=1, quantity=3, picked=3, short=0) == ("put_back", 2)
    assert plan_late_edit(target=3, quantity=3, picked=3, short=0) is None
    assert plan_late_edit(target=2, quantity=3, picked=2, short=0) is None


def test_pick_list_numbers():
    assert pick_list_number(42) == "PL000042"
    assert pick_list_number(1234567) == "PL1234567"


# --- carriers ------------------------------------------------------------------------------

def test_each_carrier_accepts_its_example_and_links_to_its_tracking_page():
    assert DEFAULT_CARRIER == "colissimo"
    for carrier in CARRIERS.values():
        assert validate_tracking(carrier.code, carrier.example) == (carrier, carrier.example)
    assert CARRIERS["ups"].tracking_url("1Z 9/9") == \
        "https://www.ups.com/track?tracknum=1Z%209%2F9"
    assert CARRIERS["dpd"].tracking_url("09876543210123") == \
        "https://trace.dpd.fr/fr/trace/09876543210123"
    assert CARRIERS["other"].tracking_url("ABC-123") == ""


def test_carrier_choices_list_every_carrier_other_last():
    choices = carrier_choices()
    assert choices[0] == ("ups", "UPS")
    assert choices[-1] == ("other", "Other")
    assert ("colissimo", "La Poste / Colissimo") in choices
    assert len(choices) == len(CARRIERS) == 8


def test_tracking_numbers_lose_spaces_and_lower_case():
    assert normalise_tracking(" 6a 1234 5678 901\t") == "6A12345678901"
    assert normalise_tracking(None) == ""


@pytest.mark.parametrize("code, carrier", [
    ("LaPoste", "colissimo"), ("la_poste", "colissimo"), (" la poste ", "colissimo"),
    ("mondialrelay", "mondial_relay"), ("Mondial Relay", "mondial_relay"),
    ("dhl_express", "dhl"), ("DHLExpress", "dhl"), ("GLS", "gls"),
])
def test_other_spellings_of_a_carrier(code, carrier):
    assert get_carrier(code).code == carrier


@pytest.mark.parametrize("code", ["", None, "fedex"])
def test_an_unknown_carrier_is_refused(code):
    caught = refusal(get_carrier, code)
    assert caught.message == "Unknown carrier"
    assert caught.fields == {"carrier": "Choose a carrier from the list."}


def test_a_tracking_number_is_required():
    caught = refusal(validate_tracking, "ups", "  ")
    assert caught.message == "Tracking number required"
    assert caught.fields == {"tracking_number": "Enter the tracking number."}


def test_a_number_that_does_not_fit_the_carrier_says_what_is_expected():
    caught = refusal(validate_tracking, "colissimo", "1Z999AA10123456784")
    assert caught.message == "Tracking number does not fit La Poste / Colissimo"
    assert caught.message.values == {"carrier": "La Poste / Colissimo"}
    field = caught.fields["tracking_number"]
    assert field == "Not a La Poste / Colissimo tracking number (expected like 6A12345678901)."
    assert field.values == {"carrier": "La Poste / Colissimo", "example": "6A12345678901"}


@pytest.mark.parametrize("carrier, number", [
    ("ups", "1Z999AA1012345678"), ("chronopost", "XY12345678FR"), ("colissimo", "6A1234567890"),
    ("mondial_relay", "1234567"), ("dpd", "0987654321012"), ("dhl", "JJD12345678901234567"),
    ("other", "AB"), ("other", "-ABCD"),
])
def test_numbers_one_character_off_are_refused(carrier, number):
    assert refusal(validate_tracking, carrier, number).fields.keys() == {"tracking_number"}


def test_a_carrier_is_guessed_only_when_exactly_one_specific_format_fits():
    assert guess_carrier("1z999aa10123456784") == "ups"
    assert guess_carrier("XY123456789FR") == "chronopost"
    assert guess_carrier("6A12345678901") == "colissimo"
    assert guess_carrier("1234567890") == "dhl"
    assert guess_carrier("12345678") is None     # Mondial Relay and GLS both fit
    assert guess_carrier("ABC-123") is None      # only "other" fits
    assert guess_carrier(None) is None


# --- printers and labels -------------------------------------------------------------------

def test_the_printers_setting():
    printers = parse_printers(" zebra1=CUPS:ZebraQueue, zebra2=tcp:10.0.0.5:9101,"
                              "z3=tcp:[fe80::1],,")
    assert printers == {
        "zebra1": Printer("zebra1", "cups", queue="ZebraQueue"),
        "zebra2": Printer("zebra2", "tcp", host="10.0.0.5", port=9101),
        "z3": Printer("z3", "tcp", host="fe80::1", port=9100),
    }
    assert printers["zebra1"].address == "cups:ZebraQueue"
    assert printers["zebra2"].address == "tcp:10.0.0.5:9101"
    assert parse_printers("") == {} and parse_printers(None) == {}
    assert parse_printers("p=tcp:[::1]:9101,q=tcp:printer-2.local:65535") == {
        "p": Printer("p", "tcp", host="::1", port=9101),
        "q": Printer("q", "tcp", host="printer-2.local", port=65535)}


def test_a_bad_printer_name_is_named():
    caught = refusal(parse_printers, "bad name=cups:Q")
    assert caught.fields == {"printers": "bad printer name in 'bad name=cups:Q'"}


@pytest.mark.parametrize("entry", ["p=cups:bad queue", "p=lpd:Q", "p=tcp:ho st", "p=tcp:",
                                   "p=tcp:host:123456", "p=tcp:host:65536", "p=tcp:host:0",
                                   "p=tcp:fe80::1", "p=tcp:[fe80::1", "p=tcp:host:"])
def test_a_bad_printer_target_says_the_expected_shape(entry):
    caught = refusal(parse_printers, entry)
    assert caught.fields == {
        "printers": f"expected name=cups:Queue or name=tcp:host:port, got {entry!r}"}


@pytest.mark.parametrize("args, geometry", [
    (("shipping",), LabelGeometry("4x6", 203, 812, 1218)),
    (("shipping", "4x6", 300), LabelGeometry("4x6", 300, 1200, 1800)),
    (("product", None, "300"), LabelGeometry("2x1", 300, 600, 300)),
    (("bin", "2x1", ""), LabelGeometry("2x1", 203, 406, 203)),
])
def test_label_geometry(args, geometry):
    assert label_geometry(*args) == geometry


def test_lengths_designed_at_203_dpi_scale_to_the_printer():
    assert label_geometry("shipping", dpi=300).dots(203) == 300
    assert label_geometry("shipping", dpi=300).dots(10) == 15
    assert label_geometry("shipping").dots(10.4) == 10


@pytest.mark.parametrize("args, fields", [
    (("parcel",), {"label": "one of shipping, product, bin"}),
    (("product", "4x6"), {"size": "a product label is 2x1 in"}),
    (("shipping", None, 600), {"dpi": "203 or 300"}),
    (("shipping", None, "high"), {"dpi": "203 or 300"}),
])
def test_label_refusals(args, fields):
    assert refusal(label_geometry, *args).fields == fields


def test_a_failed_print_is_retried_with_a_doubling_wait_then_failed_for_good():
    now = datetime(2026, 12, 7, 9, 0, tzinfo=timezone.utc)
    assert MAX_ATTEMPTS == 5 and LEASE_SECONDS == 120
    assert after_failure(1, now) == ("pending", now + timedelta(seconds=30))
    assert after_failure(2, now) == ("pending", now + timedelta(seconds=60))
    assert after_failure(4, now) == ("pending", now + timedelta(seconds=240))
    assert after_failure(5, now) == ("failed", now)
    assert after_failure(6, now) == ("failed", now)


def test_the_retry_wait_is_capped_at_fifteen_minutes(monkeypatch):
    from dashboard.domain.printing import labels
    monkeypatch.setattr(labels, "MAX_ATTEMPTS", 20)
    now = datetime(2026, 12, 7, 9, 0, tzinfo=timezone.utc)
    assert labels.after_failure(6, now) == ("pending", now + timedelta(seconds=900))
    assert labels.after_failure(10, now) == ("pending", now + timedelta(seconds=900))
