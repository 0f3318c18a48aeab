"""Published reference tables read by ``qadam.scales.reference`` (package data, JSON)."""
