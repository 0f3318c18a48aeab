"""The IIN check digit, with numbers worked out by hand below (weights from Resolution No. 406, 2007)."""

import doctest

import pytest
from django.utils import translation

from qadam.patients import iin
from qadam.patients.iin import check_digit, iin_problem, iin_problems, normalise_iin


def test_it_computes_the_first_pass_check_digit():
    # 9·1 + 0·2 + 0·3 + 1·4 + 0·5 + 1·6 + 3·7 + 0·8 + 0·9 + 0·10 + 0·11 = 40; 40 mod 11 = 7
    assert check_digit("90010130000") == 7
    assert iin_problem("900101300007") is None


def test_it_uses_the_second_weights_when_the_first_remainder_is_ten():
    # First pass: 8·1 + 5·2 + 2·4 + 2·6 + 4·7 + 1·10 + 1·11 = 87; 87 mod 11 = 10, so weights 3..11,1,2:
    # 8·3 + 5·4 + 2·6 + 2·8 + 4·9 + 1·1 + 1·2 = 111; 111 mod 11 = 1
    assert check_digit("85020240011") == 1
    assert iin_problem("850202400111") is None


def test_it_refuses_numbers_whose_remainder_is_ten_twice():
    # First pass: 8·1 + 5·2 + 2·4 + 2·6 + 4·7 + 1·10 = 76 → 10; second: 24 + 20 + 12 + 16 + 36 + 1 = 109 → 10
    assert check_digit("85020240010") is None
    for last in "0123456789":
        assert iin_problem(f"85020240010{last}").code == "iin_unissuable"


@pytest.mark.parametrize("wrong_digit", "012345689")
def test_it_rejects_every_other_check_digit(wrong_digit):
    assert iin_problem(f"90010130000{wrong_digit}").code == "iin_check_digit"


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("90010130000", "iin_format"),
        ("9001013000077", "iin_format"),
        ("90010130000A", "iin_format"),
        ("９００１０１３００００７", "iin_format"),  # full-width digits are digits to Python, not to an IIN
        ("", "iin_format"),
        ("900101700007", "iin_century"),
        ("900101000007", "iin_century"),
        ("901301300007", "iin_date"),
        ("900230300007", "iin_date"),
    ],
)
def test_it_names_what_is_wrong(value, code):
    assert iin_problem(value).code == code


def test_a_transposed_pair_of_digits_is_caught():
    # 90010130012: 40 + 1·10 + 2·11 = 72 → 6. Swapping the 10th and 11th digits gives 40 + 2·10 + 1·11 = 71 → 5.
    assert iin_problem("900101300126") is None
    assert iin_problem("900101300216").code == "iin_check_digit"


def test_it_strips_spaces_and_dashes_people_type():
    assert normalise_iin(" 900101 300007 ") == "900101300007"
    assert normalise_iin("900101-300007") == "900101300007"


def test_messages_name_the_value_and_the_rule():
    (message,) = iin_problems("900101300008")
    assert message.code == "iin_check_digit"
    assert "900101300008" in str(message)
    with translation.override("en"):  # whatever language an earlier test left active in this thread
        assert "check digit" in str(message)


def test_the_module_examples_hold():
    assert doctest.testmod(iin).failed == 0
