"""Synthetic Norwegian customers for TEK-Zence, as an import file (docs/import.md), deterministic by seed.

    python3 bench/generate.py --n 20000 --seed 1 > customers.jsonl

Each customer: an e-mail, a +47 mobile number (4xx or 9xx, in one of the ways people type it), a customer
number, and optionally a valid fødselsnummer (python-stdnum check digits) with ``--national-id-purpose``
for policies that declare one. Orders give a customer-profile record, a bookkeeping record per order and,
for some, a delivery record with its installation date; about half the customers have ended the relationship.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any, TextIO

import phonenumbers

from personvern.demo import FIRST, LAST, MOBILE, PLACES, STREETS, fodselsnummer_for  # one generator of names and ids

GOODS = [("Oppvaskmaskin", 7990), ("TV 55\"", 12490), ("Kaffemaskin", 2990), ("Robotstøvsuger", 4490),
         ("Vaskemaskin", 8990), ("Kjøleskap", 10990), ("Varmepumpe", 24990), ("Mikrobølgeovn", 1490)]
START, DAYS = date(2016, 1, 1), 9 * 365


def phone_for(rng: random.Random, taken: set[str]) -> tuple[str, str]:
    """A unique mobile number and the way it is written in the file."""
    while True:
        digits = rng.choice(MOBILE) + f"{rng.randint(0, 999_999):06d}"
        if digits not in taken and phonenumbers.is_valid_number(phonenumbers.parse(digits, "NO")):
            taken.add(digits)
            break
    style = rng.randrange(4)
    shown = [f"+47 {digits[:3]} {digits[3:5]} {digits[5:]}", f"0047 {digits}", digits,
             f"{digits[:3]} {digits[3:5]} {digits[5:]}"][style]
    return digits, shown


def customer(rng: random.Random, i: int, taken: set[str],
             nid_purpose: str | None) -> Iterator[dict[str, Any]]:
    first, last = rng.choice(FIRST), rng.choice(LAST)
    name = f"{first} {last}"
    _, phone = phone_for(rng, taken)
    key = f"c{i}"
    subject: dict[str, Any] = {"type": "subject", "id": key, "kind": "customer",
                               "email": f"{first}.{last}.{i}@example.no".lower() if i % 3 else
                               f"{first}.{last}.{i}@Example.NO", "phone": phone,
                               "customer_number": f"K-{i:07d}"}
    if nid_purpose:
        born = date(1940, 1, 1) + timedelta(days=rng.randrange(365 * 65))
        subject |= {"national_id": fodselsnummer_for(rng, born), "national_id_purpose": nid_purpose}
    yield subject
    first_day = START + timedelta(days=rng.randrange(DAYS))
    address = f"{rng.choice(STREETS)} {rng.randint(1, 120)}, {rng.choice(PLACES)}"
    yield {"type": "record", "subject": key, "purpose": "customer_profile",
           "categories": ["user.name", "user.contact.email", "user.contact.phone_number"],
           "payload": {"user.name": name, "user.contact.email": subject["email"],
                       "user.contact.phone_number": phone},
           "collected": first_day.isoformat(), "events": {"purchase.made": first_day.isoformat()}}
    day = first_day
    for n in range(rng.choice((1, 1, 2))):
        goods, price = rng.choice(GOODS)
        yield {"type": "record", "subject": key, "purpose": "bookkeeping",
               "categories": ["user.name", "custom.order", "user.contact.address"],
               "payload": {"user.name": name, "custom.order": f"{goods}, {price} kr",
                           "user.contact.address": address},
               "collected": day.isoformat(), "ref": f"ORD-{i:07d}-{n}",
               "events": {"purchase.made": day.isoformat()}}
        if rng.random() < 0.4:
            done = day + timedelta(days=rng.randint(2, 20))
            yield {"type": "record", "subject": key, "purpose": "delivery_installation",
                   "categories": ["user.name", "user.contact.address", "custom.delivery_conditions"],
                   "payload": {"user.name": name, "user.contact.address": address,
                               "custom.delivery_conditions": rng.choice(["heis", "ingen heis", "kjeller"])},
                   "collected": day.isoformat(), "events": {"installation.completed": done.isoformat()}}
        day += timedelta(days=rng.randint(30, 700))
    if rng.random() < 0.5:
        ended = day + timedelta(days=rng.randint(30, 900))
        yield {"type": "event", "subject": key, "event": "customer.relationship_ended",
               "date": ended.isoformat()}


def generate(n: int, seed: int, out: TextIO, national_id_purpose: str | None = None) -> int:
    """Write n customers as JSON Lines; returns the number of lines."""
    rng, taken, lines = random.Random(seed), set[str](), 0
    for i in range(1, n + 1):
        for row in customer(rng, i, taken, national_id_purpose):
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
            lines += 1
    return lines


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=20_000, help="customers")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--national-id-purpose", help="add a fødselsnummer, stored under this purpose")
    args = ap.parse_args()
    generate(args.n, args.seed, sys.stdout, args.national_id_purpose)


if __name__ == "__main__":
    main()
