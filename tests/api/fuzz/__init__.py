"""Helpers for the API fuzz tests (tests/api/test_fuzz.py): the world the fuzzer acts in, the
roles it acts as, and the known values it plants in generated requests."""
