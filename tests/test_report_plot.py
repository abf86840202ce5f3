"""The report PNG's panels: bars for categories (no order to connect), lines for levels, a held-out
panel that says there is no eval yet instead of an empty axis, and whole-number round ticks."""

import pyarrow as pa
import pytest

from conftest import sample_row
from expo_data.select.db import connect
from expo_data.store.schema import rows_to_table
from expo_data.select.selection import held_out, report_figure
from expo_data.store.shards import write_round


def _round(tmp_path, by_category: bool):
    rows = []
    for p, group in enumerate(["geometry", "algebra", "number theory", "algebra"]):
        for i in range(2):
            row = sample_row(f"p{p}", "attempt", i, correct=(p + i) % 2 == 0, policy_mean=-0.5)
            row.update(level=None if by_category else p + 1, category=group if by_category else None)
            rows.append(row)
    out = tmp_path / ("cat" if by_category else "lvl")
    write_round(out, [rows_to_table(rows)], {"round": 1, "base_model": "m", "base_model_sha256": None, "adapter": None,
                                             "num_problems": 4})
    return out


@pytest.mark.parametrize("by_category", [True, False])
def test_groups_and_empty_eval_panel(tmp_path, by_category):
    import matplotlib.pyplot as plt

    out = _round(tmp_path, by_category)
    fig = report_figure(connect([out]), held_out([out]))
    accuracy, hard, evals = fig.axes[1], fig.axes[2], fig.axes[3]
    for ax in (accuracy, hard):
        if by_category:
            assert ax.containers and not ax.lines  # bars, no connecting line
            assert [t.get_text() for t in ax.get_xticklabels()] == ["algebra", "geometry", "number theory"]
            assert [round(b.get_height(), 3) for b in accuracy.containers[0]] == [0.5, 0.5, 0.5] or ax is hard
        else:
            assert ax.lines and not ax.containers
    assert any("no eval yet" in t.get_text() for t in evals.texts)
    plt.close(fig)


@pytest.mark.parametrize("rounds", [(0, 1, 2), (1,), (3,), (0, 5), tuple(range(30))])
def test_round_ticks_are_whole_numbers(tmp_path, rounds):
    """One round alone too: a locator falls back to 0.95 .. 1.05 there (seen in the demo round's view)."""
    import matplotlib.pyplot as plt

    out = _round(tmp_path, True)
    evals = pa.Table.from_pylist([{"round": r, "level": "all", "pass_at_1": 0.01 * r, "pass_at_k": 0.2, "k": 4,
                                   "sampled_accuracy": 0.1} for r in rounds])
    fig = report_figure(connect([out]), evals)
    fig.canvas.draw()
    labels = [t.get_text().replace("\u2212", "-") for t in fig.axes[3].get_xticklabels() if t.get_text()]
    assert labels and all(float(x) == int(float(x)) and "." not in x for x in labels), labels
    assert not any("no eval yet" in t.get_text() for t in fig.axes[3].texts)
    plt.close(fig)


def test_problems_without_level_or_category_are_one_all_problems_bar(tmp_path):
    """Neither level nor category: one bar labelled "all problems" (it was one bar named None)."""
    import matplotlib.pyplot as plt

    from expo_data.select.report import ALL_PROBLEMS

    rows = []
    for p in range(3):
        for i in range(2):
            row = sample_row(f"p{p}", "attempt", i, correct=p == 0, policy_mean=-0.5)
            row.update(level=None, category=None)
            rows.append(row)
    out = tmp_path / "plain"
    write_round(out, [rows_to_table(rows)], {"round": 0, "base_model": "m", "base_model_sha256": None, "adapter": None,
                                             "num_problems": 3})
    fig = report_figure(connect([out]), held_out([out]))
    accuracy, hard = fig.axes[1], fig.axes[2]
    for ax in (accuracy, hard):
        assert [t.get_text() for t in ax.get_xticklabels()] == [ALL_PROBLEMS]
        assert "None" not in ax.get_title() and ax.get_xlabel() == ALL_PROBLEMS
    assert [round(b.get_height(), 3) for b in accuracy.containers[0]] == [round(2 / 6, 3)]
    assert [round(b.get_height(), 3) for b in hard.containers[0]] == [round(2 / 3, 3)]
    plt.close(fig)


def test_the_plot_reads_the_quality_figures(tmp_path):
    """The plot's bars are expo_quality_figures' values (no second computation of them): per category,
    attempt accuracy over attempts and hard share over problems, and the NLL per kind per round."""
    import matplotlib.pyplot as plt

    from expo_data.select.db import run_query

    out = _round(tmp_path, True)
    con = connect([out])
    fig = report_figure(con, held_out([out]))
    figures = run_query(con, "SELECT * FROM expo_quality_figures('category') WHERE is_total = 0 ORDER BY group_key")
    assert [round(b.get_height(), 6) for b in fig.axes[1].containers[0]] == \
        [round(v, 6) for v in figures.column("attempt_accuracy").to_pylist()]
    assert [round(b.get_height(), 6) for b in fig.axes[2].containers[0]] == \
        [round(v, 6) for v in figures.column("hard_share").to_pylist()]
    total = run_query(con, "SELECT nll_attempt FROM expo_quality_figures('round') WHERE is_total = 0").column(0)[0].as_py()
    assert round(fig.axes[0].containers[0][0].get_height(), 6) == round(total, 6)
    plt.close(fig)
