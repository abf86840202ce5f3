"""Olympiad closings a solution set is stated in: tuples under a subject that qualifies them ("the pairs of distinct
positive integers are (2, 4) and (4, 2)"), a closing line of function formulas alone (bold, after "i.e."). Each
against its near misses: a subject that does not state solutions, a missing or extra member."""

import pytest

from expo_data.verify import extract_answer, verify_one

_WORK = "Write $y=x+k$ with $k>0$. From $x^{y}=y^{x}$ we get $x<e$, so $x\\in\\{1,2\\}$, and $x=2$ gives $y=4$.\n\n"


def graded(gold: str, completion: str) -> bool:
    return verify_one(gold, extract_answer(completion)[0])[0]


@pytest.mark.parametrize("subject", [
    "So the pairs of distinct positive integers are", "Hence the solutions in positive integers are",
    "Therefore all ordered pairs of integers are", "The triples of primes are"])
def test_tuples_under_a_qualified_subject_are_the_solutions(subject):
    completion = _WORK + f"{subject} $(2,4)$ and $(4,2)$."
    assert graded("$(x,y)=(2,4)$ and $(4,2)$", completion)
    assert not graded("$(x,y)=(2,4)$", completion)
    assert not graded("$(x,y)=(2,4)$, $(4,2)$ and $(1,1)$", completion)


@pytest.mark.parametrize("subject", ["So the pairs of candidates are", "Suppose the pairs of integers are",
                                     "The pairs of integers that fail are"])
def test_tuples_under_a_subject_that_states_no_solutions(subject):
    assert not graded("$(x,y)=(2,4)$ and $(4,2)$", _WORK + f"{subject} $(2,4)$ and $(4,2)$.")


@pytest.mark.parametrize("closing", ["**$f(x)=x$ for all $x$, or $f(x)=-x$ for all $x$.**",
                                     "$f(x)=x$ or $f(x)=-x$.", "**$f(x)=x$ and $f(x)=-x$**"])
def test_a_closing_line_of_function_formulas_after_the_parameters(closing):
    completion = ("Writing $f(x)=px+q$ gives $p^2=1$ and $q=0$.\n\nThus $p=1$ or $p=-1$, i.e.\n" + closing)
    assert graded("f(x)=x \\text{ and } f(x)=-x", completion)
    assert not graded("f(x)=x", completion)
    assert not graded("f(x)=x \\text{ and } f(x)=-x \\text{ and } f(x)=0", completion)


_GAME = "Positions $n \\equiv 1 \\pmod 4$ lose for the player to move: every move leaves another residue.\n\n"


@pytest.mark.parametrize("closing, gold", [
    ("So the first player (A) wins.", "The first player"),
    ("The second player (Bob) wins by always restoring the count to $1 \\pmod 4$.", "The second player"),
    ("Since $2024$ is even, **Alice** wins by always subtracting $1$.", "Alice"),
    ("Therefore the second player has a winning strategy.", "the second player wins")])
def test_a_closing_sentence_that_names_the_winner(closing, gold):
    assert graded(gold, _GAME + closing)
    other = {"The first player": "The second player", "The second player": "The first player", "Alice": "Bob",
             "the second player wins": "the first player wins"}[gold]
    assert not graded(other, _GAME + closing)


@pytest.mark.parametrize("closing", ["So the first player wins if $n$ is odd.", "Thus Bob never wins.",
                                     "The first player might win."])
def test_a_winner_under_a_condition_or_a_doubt_is_no_winner(closing):
    assert not graded("The first player", _GAME + closing)


@pytest.mark.parametrize("closing, verdict", [
    ("So the first player has a winning strategy exactly when $n \\not\\equiv 0 \\pmod 4$.", True),
    ("So the second player wins if and only if $4 \\mid n$.", True),
    ("So the second player wins if and only if $n$ is even.", False),
    ("So the first player wins if and only if $n$ is odd.", False)])
def test_the_winner_under_a_condition_against_the_other_players_condition(closing, verdict):
    assert graded("The first player wins if and only if $4 \\nmid n$", _GAME + closing) is verdict


@pytest.mark.parametrize("closing, verdict", [
    ("### Final Answer\nEither $f(x) = x$ for all real $x$, or $f(x) = -x$ for all real $x$.", True),
    ("The answer is either $f(x)=x$ or $f(x)=-x$; I couldn't determine which one.", False),
    ("The answer is either $f(x)=x$ or $f(x)=-x$ (only one of them can work).", False),
    ("All solutions:\n\n- $f(x) = x$,\n- $f(x) = -x$.\n\nBoth satisfy the equation, and there are no others.", True),
    ("All solutions:\n\n- $f(x) = x$,\n- $f(x) = -x$.\n\nBoth satisfy the equation, but there is no other check.", False)])
def test_functions_listed_as_the_solutions(closing, verdict):
    assert graded("$f(x)=x$ and $f(x)=-x$", "Setting $y=0$ gives $f(x)^2=x^2$.\n\n" + closing) is verdict


@pytest.mark.parametrize("answer, gold, verdict", [
    ("$n=1$ and every integer $n\\ge 10$", "$n=1$ or $n \\geq 10$", True),
    ("$n=1$ and every integer $n\\ge 11$", "$n=1$ or $n \\geq 10$", False),
    ("$n = 1$ and every composite $n$ except $n = 4$", "$n=1$ or $n$ composite with $n \\neq 4$", True),
    ("$n = 1$ and every composite $n$", "$n=1$ or $n$ composite with $n \\neq 4$", False),
    ("$n = 1$ and maybe every composite $n$", "$n=1$ or $n$ composite with $n \\neq 4$", False)])
def test_an_answer_line_that_characterises_n_in_words_and_spans(answer, gold, verdict):
    assert graded(gold, f"Small cases and induction.\n\n**Answer:** {answer}.") is verdict


@pytest.mark.parametrize("closing, gold, verdict", [
    ("The equation $x^2=y^3+7$ has no integer solutions.", "No solutions", True),
    ("**Conclusion:** the equation $y^2=x^3+7$ has no solutions in integers.", "There are no integer solutions.", True),
    ("Hence there are no solutions in integers.", "No real solutions", False),
    ("The equation has no integer solutions except $x=1$.", "No solutions", False),
    ("So yes, such an arrangement exists.", "Yes", True),
    ("So yes, such an arrangement exists.", "No", False)])
def test_a_closing_sentence_that_answers_an_existence_question(closing, gold, verdict):
    assert graded(gold, "Reduce modulo 4 and 8: $1, 2, 3$.\n\n" + closing) is verdict


@pytest.mark.parametrize("closing, gold, verdict", [
    ("The positive divisors of 8 are 1, 2, 4, and 8.", "\\{1,2,4,8\\}", True),
    ("The positive divisors of 8 are 1, 2, 4, and 8.", "15", False),
    ("The positive divisors of 8 are 1, 2, and 8.", "\\{1,2,4,8\\}", False),
    ("The candidate divisors of 8 are 1, 2, 4, and 8.", "\\{1,2,4,8\\}", False)])
def test_a_closing_sentence_that_lists_the_divisors(closing, gold, verdict):
    assert graded(gold, "8 = 2^3, so its divisors are powers of 2.\n\n" + closing) is verdict


@pytest.mark.parametrize("closing", [
    "So Bob wins with probability 1/3.", "Bob wins as often as Alice.",
    "Bob wins with a suboptimal Alice; with optimal play Alice wins.",
    "Bob wins by mirroring for even n, while for odd n Alice wins.", "Thus Bob wins as long as n is even.",
    "Bob wins by symmetry, except for n = 1.", "Since $n$ is even, Bob wins."])
def test_a_winner_with_a_condition_or_a_chance_after_it_is_no_winner(closing):
    assert not graded("Bob", _GAME + closing)


@pytest.mark.parametrize("closing", [
    "So the first player wins if and only if $n$ is odd and $n < 250$.",
    "So the first player wins if and only if $n$ is odd or $n = 1000$.",
    "So the second player wins if and only if $n$ is even and $n \\ne 500$."])
def test_a_winning_condition_that_differs_past_a_fixed_window(closing):
    assert not graded("The first player wins if and only if $n$ is odd", _GAME + closing)


@pytest.mark.parametrize("closing", ["The equation with $n = 3$ has no integer solutions.",
                                     "The equation for odd n has no integer solutions."])
def test_no_solutions_said_of_a_case_is_no_answer(closing):
    assert not graded("No solutions", "Reduce modulo 4.\n\n" + closing)


@pytest.mark.parametrize("closing, gold, verdict", [
    ("Every solution is a translation: $f(x)=x+b$ for an arbitrary real constant $b$, and all of these work.",
     "$f(x)=x+c$ for any constant $c$", True),
    ("So $f(x)=x^2+b$ for an arbitrary real constant $b$, and all of these work.", "$f(x)=x+c$ for any constant $c$", False),
    ("There are exactly two such functions: $f\\equiv 0$ and $f=\\mathrm{id}_{\\mathbb R}$.", "$f(x)=0$ and $f(x)=x$", True),
    ("There are exactly two such functions: $f\\equiv 0$ and $f=\\mathrm{id}_{\\mathbb R}+1$.", "$f(x)=0$ and $f(x)=x$", False),
    ("The only solution is the map $x \\mapsto 2 - x$.", "$f(x)=2-x$", True),
    ("The only solution is the map $x \\mapsto 2 + x$.", "$f(x)=2-x$", False)])
def test_functions_written_as_maps_or_with_their_constants_range(closing, gold, verdict):
    assert graded(gold, "Substituting $y=0$ and comparing both sides.\n\n" + closing) is verdict


@pytest.mark.parametrize("closing, gold, verdict", [
    ("Hence Alice wins for even $n$ and Bob wins for odd $n$.", "Alice wins if and only if $n$ is even.", True),
    ("Hence Alice wins for odd $n$ and Bob wins for even $n$.", "Alice wins if and only if $n$ is even.", False),
    ("**Answer:** The first player wins if and only if $3\\nmid n$.",
     "The second player wins if and only if $n$ is divisible by $3$; otherwise the first player wins.", True),
    ("**Answer:** The first player wins if and only if $n$ is odd.",
     "The second player wins if and only if $n$ is divisible by $3$; otherwise the first player wins.", False),
    ("**Conclusion:** for $n\\le 2$ the first player wins; for every $n\\ge3$ the second player has a winning strategy.",
     "The first player wins if $n\\le 2$; the second player wins for all $n\\ge 3$.", True),
    ("**Conclusion:** for $n\\le 3$ the first player wins; for every $n\\ge4$ the second player has a winning strategy.",
     "The first player wins if $n\\le 2$; the second player wins for all $n\\ge 3$.", False)])
def test_which_player_wins_for_which_n_clause_by_clause(closing, gold, verdict):
    assert graded(gold, _GAME + closing) is verdict


@pytest.mark.parametrize("closing, gold, verdict", [
    ("So Bob has a winning strategy when $n$ is even, and Alice has one otherwise.",
     "\\text{Alice wins if } n \\text{ is odd; Bob wins if } n \\text{ is even}", True),
    ("So Bob has a winning strategy when $n$ is odd, and Alice has one otherwise.",
     "\\text{Alice wins if } n \\text{ is odd; Bob wins if } n \\text{ is even}", False),
    ("So Alice, moving first, has a winning strategy exactly when $n$ is not a multiple of $4$; when $4 \\mid n$, Bob wins "
     "by always taking $4-k$ after Alice takes $k$.", "\\text{Bob wins if and only if } 4 \\mid n \\text{; otherwise Alice wins}",
     True),
    ("So Alice, moving first, has a winning strategy exactly when $n$ is not a multiple of $3$; when $3 \\mid n$, Bob wins "
     "by always taking $3-k$ after Alice takes $k$.", "\\text{Bob wins if and only if } 4 \\mid n \\text{; otherwise Alice wins}",
     False)])
def test_winning_strategies_said_clause_by_clause(closing, gold, verdict):
    assert graded(gold, _GAME + closing) is verdict


@pytest.mark.parametrize("closing, gold, verdict", [
    ("So $2024^2$ has sixty-three positive divisors.", "$63$", True),
    ("So $2024^2$ has sixty-two positive divisors.", "$63$", False),
    ("The maximum is attained at $x = y = \\frac32$ and equals $\\frac32\\cdot\\frac32 = \\frac94$.", "\\frac{9}{4}", True),
    ("The maximum is attained at $x = y = \\frac32$ and equals $\\frac32\\cdot\\frac32 = \\frac94$.", "\\frac{3}{2}", False),
    ("The minimum value of $f$ is attained at $x=1$ and equals $-3$.", "-3", True)])
def test_a_count_in_words_or_an_extremum_after_where_it_is_attained(closing, gold, verdict):
    assert graded(gold, "Factor and apply AM-GM: $2024 = 2^3 \\cdot 11 \\cdot 23$.\n\n" + closing) is verdict


@pytest.mark.parametrize("closing", [
    "Hence Carol wins for odd $n$, and Alice wins for even $n$.", "Hence Alice wins when $m$ is even and Bob wins when $m$ is odd.",
    "Hence Alice wins for even $k$ and Bob wins for odd $k$."])
def test_a_third_player_or_another_letter_is_no_reading_of_the_winners(closing):
    assert not graded("Alice wins if and only if $n$ is even.", _GAME + closing)


@pytest.mark.parametrize("closing", [
    "Every prime has two divisors.", "Suppose $n^2$ has three divisors.", "Let $N$ be a number that has four divisors.",
    "Then the number of divisors of $n^2$ is odd, and $n$ has four prime factors.",
    "Then each of the $n$ numbers has twelve divisors."])
def test_a_count_after_has_that_states_no_conclusion(closing):
    assert not graded({"Every": "2", "Suppo": "3", "Let $": "4", "Then ": "4" if "four" in closing else "12"}[closing[:5]],
                      "Count the divisors.\n\n" + closing)


@pytest.mark.parametrize("closing, gold", [("So 40 is 50% of 100.", "50"), ("So 0.2 is 10% of 1.", "0.1")])
def test_a_percent_sentence_whose_arithmetic_fails_states_nothing(closing, gold):
    assert not graded(gold, "Divide the part by the whole.\n\n" + closing)


@pytest.mark.parametrize("closing, verdict", [
    ("So $f(x)=x+b$ for an arbitrary real constant $b$, which all satisfy the equation provided $b$ is even.", False),
    ("So $g: x \\mapsto 2 - x$ is the only solution.", True)])
def test_a_form_with_a_restriction_after_it_and_a_named_map(closing, verdict):
    gold = "$f(x)=x+c$ for any constant $c$" if "b" in closing else "$g(x)=2-x$"
    assert graded(gold, "Substitute $y=0$.\n\n" + closing) is verdict


@pytest.mark.parametrize("gold", [
    "P(x) = 0,\\ P(x) = 1,\\ P(x) = x^n \\ (n \\ge 1)", "P(x) = x^n \\ (n \\ge 1)", "Alice wins if and only if $n$ is even.",
    "The first player wins if $n\\le 2$; the second player wins for all $n\\ge 3$.", "$f(x)=x+c$ for any constant $c$"])
def test_a_gold_answered_in_its_own_words_is_correct(gold):
    assert verify_one(gold, gold.strip("$").rstrip("."))[0]


@pytest.mark.parametrize("gold, answer, verdict", [
    ("P(x) = 0,\\ P(x) = 1,\\ P(x) = x^n \\ (n \\ge 1)", "P(x) = 0, P(x) = 1, or P(x) = x^n for some n \\ge 1", True),
    ("P(x) = 0,\\ P(x) = 1,\\ P(x) = x^n \\ (n \\ge 1)", "P(x) = 0, or P(x) = x^n for some n \\ge 1", False),
    ("P(x) = x^n \\ (n \\ge 1)", "P(x) = x^n (n \\ge 2)", False),
    ("Alice wins if and only if $n$ is even.", "Bob wins if and only if n is odd", True),
    ("Alice wins if and only if $n$ is even.", "Bob wins if and only if n is even", False)])
def test_a_family_with_its_range_in_brackets_and_a_winner_said_of_the_other_player(gold, answer, verdict):
    assert verify_one(gold, answer)[0] is verdict


@pytest.mark.parametrize("closing", [
    "When $4 \\mid n$, Bob wins by mirroring, but for $n = 8$ Alice wins.", "When $4 \\mid n$, Bob wins by mirroring, apart from $n = 8$.",
    "When $4 \\mid n$, Bob wins by mirroring at least for $n \\le 100$.", "When $4 \\mid n$, Bob wins by mirroring in the limit.",
    "When $4 \\mid n$, Bob wins."])
def test_a_sufficient_condition_or_an_exception_after_the_strategy_is_no_characterisation(closing):
    assert not graded("Bob wins if and only if $4 \\mid n$", _GAME + closing)
