"""Customers and their address book."""

from piccolo.columns import ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class Customer(Table, tablename="customer"):
    email = Varchar(length=254, index=True)
    first_name = Varchar(length=100, default="")
    last_name = Varchar(length=100, default="", index=True)
    phone = Varchar(length=40, default="")
    company = Varchar(length=200, default="")
    vat_number = Varchar(length=40, default="")  # EU VAT number of a business customer
    locale = Varchar(length=10, default="fr")
    notes = Text(default="")
    # Lower-cased, accent-free "name email phone postcodes" for search-as-you-type.
    search_text = Text(default="")
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())
    version = Integer(default=1)


class Address(Table, tablename="address"):
    customer = ForeignKey(Customer, on_delete=OnDelete.restrict, index=True, null=False)
    name = Varchar(length=200, default="")
    company = Varchar(length=200, default="")
    line1 = Varchar(length=200, default="")
    line2 = Varchar(length=200, default="")
    postal_code = Varchar(length=20, default="")
    city = Varchar(length=100, default="")
    region = Varchar(length=100, default="")
    country = Varchar(length=2, default="FR")
    phone = Varchar(length=40, default="")
    is_default = Varchar(length=10, default="")  # "", "shipping", "billing" or "both"
    verified_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
