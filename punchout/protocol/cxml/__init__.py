"""The cXML protocol core: parse (hardened), read (lenient), build (strict), encode.

Pure functions and dataclasses: no Flask, no Redis, no HTTP.
"""
