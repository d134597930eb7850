"""PrintNow punch-out connector: procurement systems (cXML, SAP OCI) to a PrintNow storefront."""

__version__ = "0.1.0"
