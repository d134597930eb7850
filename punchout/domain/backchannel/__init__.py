"""After the order: confirmations, ship notices, status updates and invoices to the buyer.

- :mod:`.registry`: each buyer's document URL, credentials, secret and kinds;
- :mod:`.records`: the document records and watched orders (the only module knowing their keys);
- :mod:`.compose`: builds each document once from the ledger and the Orders API;
- :mod:`.worklist`: the index of POs with work left and the PrintNow order → PO map;
- :mod:`.poller`: reads every open order from the Orders API and enqueues what changed;
- :mod:`.delivery`: posts a document, exactly once after a 2xx, with retries;
- :mod:`.queue`: the RQ queues and jobs on the connector's Redis; ``punchout worker``;
- :mod:`.webhook`: ``POST /printnow/webhook`` (order_updated) triggers a poll of that order;
- :mod:`.commands`: ``punchout documents ...``.
"""
