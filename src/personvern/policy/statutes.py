"""The catalogue of statutory retention periods that policies refer to by key.

One declared table, like datasette's SETTINGS: each entry has its period, how the period is counted, its
citation and the day it was last verified. Policies write ``retention: bokforingsloven.primary after
purchase.completed`` instead of retyping numbers. Sources and certainty: ``../shared/LEGAL.md``
(checked 2026-11-25 against lovdata, regjeringen.no, datatilsynet.no, brreg.no).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from dateutil.relativedelta import relativedelta

Counted = Literal["from_event", "end_of_year"]


@dataclass(frozen=True)
class Statute:
    key: str
    citation: str
    period: relativedelta
    counted: Counted
    what: dict[str, str]
    counted_from: dict[str, str]
    url: str
    last_verified: str
    unsettled: str | None = None

    @property
    def period_text(self) -> str:
        parts = []
        if self.period.years:
            parts.append(f"{self.period.years} years")
        if self.period.months:
            parts.append(f"{self.period.months} months")
        return " ".join(parts)


STATUTES: dict[str, Statute] = {
    s.key: s
    for s in [
        Statute(
            key="bokforingsloven.primary",
            citation="bokføringsloven § 13 første ledd nr. 1",
            period=relativedelta(years=5),
            counted="end_of_year",
            what={
                "nb": "primærdokumentasjon (bilag, fakturaer, kvitteringer, regnskap)",
                "en": "primary documentation (vouchers, invoices, receipts, ledgers)",
            },
            counted_from={"nb": "slutten av regnskapsåret", "en": "the end of the accounting year"},
            url="https://lovdata.no/lov/2004-11-19-73/§13",
            last_verified="2026-11-25",
        ),
        Statute(
            key="bokforingsloven.secondary",
            citation="bokføringsloven § 13 første ledd nr. 2",
            period=relativedelta(years=3, months=6),
            counted="end_of_year",
            what={
                "nb": "avtaler, korrespondanse som utfyller bokførte opplysninger, pakksedler",
                "en": "agreements, correspondence that supplements booked entries, packing slips",
            },
            counted_from={"nb": "slutten av regnskapsåret", "en": "the end of the accounting year"},
            url="https://lovdata.no/lov/2004-11-19-73/§13",
            last_verified="2026-11-25",
        ),
        Statute(
            key="forbrukerkjopsloven.complaint",
            citation="forbrukerkjøpsloven § 27 første ledd",
            period=relativedelta(years=2),
            counted="from_event",
            what={"nb": "reklamasjonsfrist", "en": "consumer complaint period"},
            counted_from={"nb": "overtakelsen av tingen", "en": "the day the consumer took over the goods"},
            url="https://lovdata.no/lov/2002-06-21-34/§27",
            last_verified="2026-11-25",
        ),
        Statute(
            key="forbrukerkjopsloven.complaint_long",
            citation="forbrukerkjøpsloven § 27 første ledd annet punktum",
            period=relativedelta(years=5),
            counted="from_event",
            what={
                "nb": "reklamasjonsfrist for varer ment å vare vesentlig lenger enn to år",
                "en": "complaint period for goods meant to last substantially longer than two years",
            },
            counted_from={"nb": "overtakelsen av tingen", "en": "the day the consumer took over the goods"},
            url="https://lovdata.no/lov/2002-06-21-34/§27",
            last_verified="2026-11-25",
        ),
        Statute(
            key="kjopsloven.complaint",
            citation="kjøpsloven § 32 annet ledd",
            period=relativedelta(years=2),
            counted="from_event",
            what={"nb": "reklamasjonsfrist ved næringskjøp", "en": "complaint period for business purchases"},
            counted_from={"nb": "overtakelsen av tingen", "en": "the day the buyer took over the goods"},
            url="https://lovdata.no/lov/1988-05-13-27/§32",
            last_verified="2026-11-25",
        ),
        Statute(
            key="foreldelsesloven",
            citation="foreldelsesloven § 2",
            period=relativedelta(years=3),
            counted="from_event",
            what={"nb": "alminnelig foreldelsesfrist", "en": "general limitation period for claims"},
            counted_from={
                "nb": "den dagen kravet tidligst kan kreves oppfylt (§ 3)",
                "en": "the earliest day performance can be demanded (§ 3)",
            },
            url="https://lovdata.no/lov/1979-05-18-18/§2",
            last_verified="2026-11-25",
        ),
        Statute(
            key="hvitvaskingsloven",
            citation="hvitvaskingsloven § 30",
            period=relativedelta(years=5),
            counted="from_event",
            what={
                "nb": "kundetiltak og transaksjonsopplysninger (kun rapporteringspliktige)",
                "en": "customer due diligence and transaction records (reporting entities only)",
            },
            counted_from={
                "nb": "kundeforholdets opphør eller transaksjonen",
                "en": "the end of the customer relationship or the transaction",
            },
            url="https://lovdata.no/lov/2018-06-01-23/§30",
            last_verified="2026-11-25",
            unsettled="deletion duty after the period is unsettled: use 'then: review', not automatic deletion",
        ),
        Statute(
            key="bokforingslagen.se",
            citation="bokföringslagen (1999:1078) 7 kap. 2 §",
            period=relativedelta(years=7),
            counted="end_of_year",
            what={"nb": "räkenskapsinformation (Sverige)", "en": "accounting records (Sweden)"},
            counted_from={
                "nb": "utgangen av kalenderåret da regnskapsåret ble avsluttet",
                "en": "the end of the calendar year in which the financial year ended",
            },
            url="https://www.riksdagen.se/sv/dokument-och-lagar/dokument/svensk-forfattningssamling/bokforingslag-19991078_sfs-1999-1078/",
            last_verified="2026-11-25",
        ),
    ]
}
