"""What ``/readyz`` says about the documents sent after an order.

A storefront whose Orders API PrintNow refused (it needs the Enterprise licence) still
takes punch-outs and orders, so this check never fails readiness: it names the storefronts
where ship notices and invoices cannot be read, for the operator.
"""

from __future__ import annotations

from redis.exceptions import RedisError

from punchout.domain.backchannel.records import DocumentBook
from punchout.runtime.connector import Connector


def orders_api(c: Connector) -> tuple[bool, str]:
    try:
        refusals = DocumentBook(c.store).refusals()
    except RedisError as exc:
        return True, f"not known (Redis: {type(exc).__name__})"
    if not refusals:
        return True, "no storefront refused"
    names = ", ".join(sorted(refusals))
    return True, (
        f"PrintNow refused the Orders API of storefront(s) {names} (it needs the Enterprise "
        "licence): no ship notices or invoices from there"
    )
