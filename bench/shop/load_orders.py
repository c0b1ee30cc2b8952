"""Load orders through django-oscar's own models, as the shop's order pages do; print what they show.

    python -m bench.shop.load_orders URL NUMBER...

Exits non-zero with the traceback if oscar cannot load a row (a broken foreign key, an impossible value).
"""

from __future__ import annotations

import json
import os
import sys


def main(url: str, numbers: list[str]) -> None:
    os.environ["SHOP_DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.shop.django_settings"
    import django

    django.setup()
    from oscar.core.loading import get_model

    order_model = get_model("order", "Order")
    shown = []
    for number in numbers:
        order = order_model.objects.select_related("user", "billing_address", "shipping_address").get(
            number=number)
        lines = [(line.title, str(line.line_price_incl_tax)) for line in order.lines.all()]
        shown.append({"number": order.number, "email": order.email, "user": order.user_id,
                      "total": str(order.total_incl_tax), "lines": lines, "status": order.status,
                      "billing": order.billing_address.summary if order.billing_address else None,
                      "shipping": order.shipping_address.summary if order.shipping_address else None,
                      "page": str(order)})
    print(json.dumps(shown, ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
