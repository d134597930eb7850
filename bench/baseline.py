"""The bare Flask app every figure is compared with: it reads a POST body and answers."""

from __future__ import annotations

from flask import Flask, request

app = Flask(__name__)


@app.post("/")
def echo() -> str:
    return f"read {len(request.get_data())} bytes"
