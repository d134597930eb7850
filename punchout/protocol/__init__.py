"""The protocols, pure: cXML (parse, read, build), SAP OCI, the number parser, the return URL.

Nothing here imports Flask, Redis or requests."""
