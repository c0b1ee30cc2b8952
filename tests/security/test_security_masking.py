"""Masked identifiers leak at most what they should (TP14, PI4; issue 8): the console shows ``150765 *****``.

- national id: the birth date (first six digits), never the individual number or check digits;
- phone: the country code and the last three digits;
- e-mail: the first character of the local part, and the domain.
"""

from __future__ import annotations

import re
from datetime import date

import phonenumbers
from hypothesis import assume, given
from hypothesis import strategies as st
from stdnum.no import fodselsnummer

from personvern.register import Register
from personvern.register.identifiers import normalise


@st.composite
def fodselsnumre(draw: st.DrawFn) -> str:
    born = draw(st.dates(date(1900, 1, 1), date(2039, 12, 31)))
    individual = draw(st.integers(0, 999))
    base = f"{born:%d%m%y}{individual:03d}"
    k1 = fodselsnummer.calc_check_digit1(base)
    k2 = fodselsnummer.calc_check_digit2(base + k1)
    number = base + k1 + k2
    assume(fodselsnummer.is_valid(number))  # some individual numbers do not fit the birth year
    return number


@given(fodselsnumre())
def test_a_masked_national_id_shows_the_birth_date_and_nothing_else(number: str) -> None:
    masked = normalise("national_id", number).masked
    assert masked == f"{number[:6]} *****"
    assert re.sub(r"\D", "", masked) == number[:6]


@given(st.from_regex(r"[49][0-9]{7}", fullmatch=True))
def test_a_masked_phone_shows_the_country_code_and_last_three_digits(local: str) -> None:
    assume(phonenumbers.is_valid_number(phonenumbers.parse(f"+47{local}")))
    masked = normalise("phone", f"+47 {local}").masked
    assert masked == f"+47 *** ** {local[-3:]}"
    assert re.sub(r"\D", "", masked) == "47" + local[-3:]


@given(st.from_regex(r"[a-z][a-z0-9.]{2,20}[a-z0-9]", fullmatch=True))
def test_a_masked_email_shows_one_letter_and_the_domain(local: str) -> None:
    assume(".." not in local)
    masked = normalise("email", f"{local}@example.no").masked
    assert masked == f"{local[0]}***@example.no"


def test_the_register_shows_masked_forms_unless_asked_and_audited(open_register: object) -> None:
    reg: Register = open_register("tp-ecommerce")  # type: ignore[operator]
    ref = reg.add_subject("customer", {"national_id": "15076500565", "phone": "+47 975 27 747",
                                       "email": "kari.nordmann@example.no"}, purpose="membership")
    assert reg.identifiers(ref) == {"national_id": ["150765 *****"], "phone": ["+47 *** ** 747"],
                                    "email": ["k***@example.no"]}
    assert reg.identifiers(ref, masked=False)["national_id"] == ["NO:15076500565"]
