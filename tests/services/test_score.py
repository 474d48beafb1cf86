"""The prevention-culture score (SPEC 4.5): points, maximum, rounding to 0.5, levers."""

import itertools
from decimal import Decimal
from fractions import Fraction

import pytest

from assistant.services.prevention import score

Q1, Q2, Q3, Q4, Q5, Q6 = (q.key for q in score.QUESTIONS)
KEYS = (Q1, Q2, Q3, Q4, Q5, Q6)

# the SPEC table, written out again so that the rule is checked against the text, not itself
SPEC_POINTS = {Q1: 1, Q2: 1, Q3: 1, Q4: 1, Q5: Fraction(1, 2), Q6: Fraction(1, 2)}
SPEC_PREREQUISITE = {Q2: Q1, Q4: Q3}
SPEC_EMPLOYEES_ONLY = {Q2, Q5, Q6}


def employer(*answers: bool) -> dict[str, bool]:
    """Q1..Q6 in order."""
    return dict(zip(KEYS, answers, strict=True))


def independent(q1: bool, q3: bool, q4: bool | None = None) -> dict[str, bool]:
    answers = {Q1: q1, Q3: q3}
    if q4 is not None:
        answers[Q4] = q4
    return answers


yes, no = True, False


@pytest.mark.parametrize(
    ("answers", "has_employees", "expected", "points", "maximum"),
    [
        # the two SPEC examples
        (employer(yes, no, yes, yes, no, yes), True, "3.5", "3.5", "5"),
        (independent(yes, yes, no), False, "3.5", "2", "3"),
        # everything, nothing
        (employer(yes, yes, yes, yes, yes, yes), True, "5", "5", "5"),
        (employer(no, no, no, no, no, no), True, "0", "0", "5"),
        (independent(yes, yes, yes), False, "5", "3", "3"),
        (independent(no, no), False, "0", "0", "3"),
        # a "no" prerequisite: its follower scores 0 but stays in the maximum (5 × 3/5)
        ({Q1: no, Q3: yes, Q4: yes, Q5: yes, Q6: yes}, True, "3.0", "3", "5"),
        ({Q1: yes, Q2: yes, Q3: no, Q5: yes, Q6: yes}, True, "3.0", "3", "5"),
        # … even when a stale "yes" to the follower is still in the answers
        (employer(no, yes, yes, yes, yes, yes), True, "3.0", "3", "5"),
        (employer(yes, yes, no, yes, yes, yes), True, "3.0", "3", "5"),
        # no employees: Q2, Q5, Q6 are out of the maximum, even if answered
        ({Q1: yes, Q2: yes, Q3: no, Q5: yes, Q6: yes}, False, "1.5", "1", "3"),
        # an unanswered question scores 0
        ({}, True, "0", "0", "5"),
    ],
)
def test_score(answers, has_employees, expected, points, maximum):
    result = score.compute(answers, has_employees)
    assert result.score == Decimal(expected)
    assert result.points == Decimal(points)
    assert result.maximum == Decimal(maximum)


@pytest.mark.parametrize(
    ("answers", "raw", "expected"),
    [
        (independent(yes, no), Fraction(5, 3), "1.5"),  # 1.67 → 1.5
        (independent(no, yes, no), Fraction(5, 3), "1.5"),
        (independent(no, yes, yes), Fraction(10, 3), "3.5"),  # 3.33 → 3.5
        (independent(yes, yes, no), Fraction(10, 3), "3.5"),
    ],
)
def test_score_rounded_to_the_nearest_half(answers, raw, expected):
    result = score.compute(answers, has_employees=False)
    assert Fraction(5) * Fraction(result.points) / Fraction(result.maximum) == raw
    assert result.score == Decimal(expected)


def spec_raw_score(answers: dict[str, bool], has_employees: bool) -> Fraction:
    applying = [k for k in KEYS if has_employees or k not in SPEC_EMPLOYEES_ONLY]
    maximum = sum(SPEC_POINTS[k] for k in applying)
    earned = sum(
        SPEC_POINTS[k]
        for k in applying
        if answers.get(k) is True
        and (k not in SPEC_PREREQUISITE or answers.get(SPEC_PREREQUISITE[k]) is True)
    )
    return 5 * Fraction(earned) / maximum


def half_up(raw: Fraction) -> Decimal:
    doubled = raw * 2
    whole = doubled.numerator // doubled.denominator
    if doubled - whole >= Fraction(1, 2):
        whole += 1
    return Decimal(whole) / 2


ALL_ANSWER_SETS = [
    (dict(zip(KEYS, values, strict=True)), has_employees)
    for values in itertools.product((True, False), repeat=6)
    for has_employees in (True, False)
]


def test_every_answer_set_scores_as_the_spec_says():
    """All 128 cases against the SPEC rule, and which raw values can occur at all.

    With a maximum of 5 (employees) or 3 (none) and points by halves, a raw score is a multiple of
    0.5 or a third: never exactly x.25 or x.75, so "half up" is only ever seen on thirds
    (1.67 → 1.5, 3.33 → 3.5), checked above and here.
    """
    raw_values = set()
    for answers, has_employees in ALL_ANSWER_SETS:
        raw = spec_raw_score(answers, has_employees)
        raw_values.add(raw)
        result = score.compute(answers, has_employees)
        assert result.score == half_up(raw), (answers, has_employees)
        assert Decimal(0) <= result.score <= Decimal(5)
        assert result.score * 2 == int(result.score * 2)
    assert raw_values == {Fraction(n, 2) for n in range(11)} | {
        Fraction(5, 3),
        Fraction(10, 3),
    }


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (Fraction(1, 4), "0.5"),
        (Fraction(3, 4), "1"),
        (Fraction(13, 4), "3.5"),
        (Fraction(5, 3), "1.5"),
        (Fraction(10, 3), "3.5"),
        (Fraction(24, 10), "2.5"),
        (Fraction(26, 10), "2.5"),
    ],
)
def test_half_up_oracle(raw, expected):
    """The reference rounding used above: quarters go up."""
    assert half_up(raw) == Decimal(expected)


@pytest.mark.parametrize(
    ("answers", "has_employees", "levers"),
    [
        # SPEC example: Q2 (1 point) before Q5 (0.5)
        (employer(yes, no, yes, yes, no, yes), True, (Q2, Q5)),
        (independent(yes, yes, no), False, (Q4,)),
        (employer(yes, yes, yes, yes, no, no), True, (Q5, Q6)),
        (employer(yes, yes, yes, yes, yes, no), True, (Q6,)),
        # a missing prerequisite is the lever, not the follower it would unlock
        ({Q1: no, Q3: yes, Q4: yes, Q5: yes, Q6: yes}, True, (Q1,)),
        # Q3 unlocks Q4: worth 2, ranked before Q2 (worth 1) though it comes later
        ({Q1: yes, Q2: no, Q3: no, Q5: yes, Q6: yes}, True, (Q3, Q2)),
        ({Q1: no, Q3: no, Q5: no, Q6: no}, True, (Q1, Q3)),
        # no employees: Q1 unlocks nothing (Q2 does not apply), Q3 unlocks Q4
        (independent(no, no), False, (Q3, Q1)),
        (independent(no, yes, yes), False, (Q1,)),
        # a stale "yes" whose prerequisite is "no" is not a lever: the prerequisite is
        (employer(no, yes, yes, yes, yes, yes), True, (Q1,)),
        (employer(yes, yes, yes, yes, yes, yes), True, ()),
    ],
)
def test_levers(answers, has_employees, levers):
    result = score.compute(answers, has_employees)
    assert tuple(q.key for q in result.levers) == levers


def test_levers_everywhere():
    """One or two levers whenever points are missing, never a question already answered yes."""
    for answers, has_employees in ALL_ANSWER_SETS:
        result = score.compute(answers, has_employees)
        keys = [q.key for q in result.levers]
        assert (1 <= len(keys) <= 2) if result.score < 5 else keys == []
        for question in result.levers:
            assert score.applies(question, has_employees)
            assert score.is_asked(question, has_employees, answers)
            assert answers[question.key] is not True
            assert question.lever and question.lever_url


@pytest.mark.parametrize(
    ("key", "has_employees", "answers", "asked"),
    [
        (Q1, True, {}, True),
        (Q1, False, {}, True),
        (Q2, True, {Q1: True}, True),
        (Q2, True, {Q1: False}, False),
        (Q2, True, {}, False),
        (Q2, False, {Q1: True}, False),
        (Q3, True, {}, True),
        (Q3, False, {}, True),
        (Q4, True, {Q3: True}, True),
        (Q4, False, {Q3: True}, True),
        (Q4, True, {Q3: False}, False),
        (Q4, False, {}, False),
        (Q5, True, {}, True),
        (Q5, False, {}, False),
        (Q6, True, {}, True),
        (Q6, False, {Q1: True, Q3: True}, False),
    ],
)
def test_is_asked(key, has_employees, answers, asked):
    assert score.is_asked(score.BY_KEY[key], has_employees, answers) is asked


def test_only_the_asked_answers_are_kept():
    result = score.compute(employer(no, yes, yes, no, yes, yes), has_employees=True)
    assert result.answers == {Q1: False, Q3: True, Q4: False, Q5: True, Q6: True}
    result = score.compute(employer(yes, yes, yes, yes, yes, yes), has_employees=False)
    assert result.answers == {Q1: True, Q3: True, Q4: True}
