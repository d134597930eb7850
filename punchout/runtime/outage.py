"""Whether a PrintNow failure is an outage (try again later) or a configuration to fix.

A person shown an error needs to know which of the two it is: waiting helps with an outage
(no answer, a timeout, a 5xx), never with a configuration problem (a storefront that does not
exist, API credentials PrintNow refuses), which only the supplier or an administrator can fix.
"""

from __future__ import annotations

from punchout.printnow import PrintNowError


def is_outage(exc: PrintNowError) -> bool:
    """True when PrintNow did not answer or failed on its side (5xx): trying later can help."""
    return exc.status is None or exc.status >= 500


#: The message for a configuration problem, on pages and in cXML Status texts.
MISCONFIGURED = (
    "The print storefront set up for your organisation cannot be opened: this is a "
    "configuration problem at the supplier, so trying again will not help. Please ask your "
    "administrator to contact the supplier."
)
