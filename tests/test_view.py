"""`expo-data view` in a real browser: headless Chromium loads the page made from a real small round
(tests/fixtures/round_v2) and the test reads the DOM after the page's script ran: problem and sample
counts, filters driven through the URL hash, token spans with their log-probs, the quality table,
two rounds side by side, and that model text holding `</script>` or `<img onerror>` shows as text and
runs nothing. Also `expo_data.open_round`, local and on S3, and the per-token detokenisation."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import run_cli
from expo_data import open_round
from expo_data.select.db import connect, run_query, shipped_query
from expo_data.errors import ExpoError
from expo_data.store.schema import read_manifest
from expo_data.store.shards import read_shard, shard_names, write_round
from expo_data.view.page import Detokenizer, build_page, default_output, load_tokenizer, write_view

FIXTURE = Path(__file__).parent / "fixtures" / "round_v2"
MARK = "document.documentElement.setAttribute('data-pwned'"
PAYLOAD = ("Check: </script><script>window.__pwned=1;" + MARK + ",'script')</script> and "
           "<img src=x onerror=\"window.__pwned=1;" + MARK + ",'img')\"> & <!-- then 日本語 🎉 é\u2028done")
CHROMIUM = next((shutil.which(name) for name in ("chromium", "chromium-browser", "google-chrome") if shutil.which(name)), None)


def chromium_or_skip() -> str:
    if CHROMIUM is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI must run the browser test: install Debian's chromium (.ci/run does)")
        pytest.skip("no chromium on this machine (apt-get install chromium); CI runs this test")
    return CHROMIUM


def browse(page: Path, tmp_path: Path, fragment: str = "", screenshot: Path | None = None) -> str:
    """The DOM after the page's script ran (virtual time lets timers and rendering finish)."""
    args = [chromium_or_skip(), "--headless", "--no-sandbox", "--disable-gpu", "--virtual-time-budget=10000",
            f"--user-data-dir={tmp_path / 'chromium-profile'}"]
    url = page.resolve().as_uri() + (f"#{fragment}" if fragment else "")
    if screenshot is not None:
        args += ["--window-size=1400,1800", f"--screenshot={screenshot}"]
    else:
        args += ["--dump-dom"]
    proc = subprocess.run(args + [url], capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout


class Dom(HTMLParser):
    """The elements of a dumped DOM: (tag, attrs, text inside) for each, text with descendants."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.elements, self.stack = [], []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        element = {"tag": tag, "attrs": dict(attrs), "text": [], "ancestors": [id(e) for e in self.stack]}
        self.elements.append(element)
        if tag not in ("img", "input", "meta", "br", "link"):
            self.stack.append(element)

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()["tag"] == tag:
                break

    def handle_data(self, data):
        for element in self.stack:
            element["text"].append(data)

    def find(self, tag=None, **attrs):
        return [e for e in self.elements if (tag is None or e["tag"] == tag)
                and all(e["attrs"].get(k.replace("_", "-")) == v for k, v in attrs.items())]

    def has_class(self, name: str):
        return [e for e in self.elements if name in (e["attrs"].get("class") or "").split()]


def text(element) -> str:
    return "".join(element["text"])


def summary(dom: Dom) -> tuple[int, int]:
    (element,) = dom.find("p", id="summary")
    return int(element["attrs"]["data-problems"]), int(element["attrs"]["data-samples"])


def counts(round_dirs, where: str = "true") -> tuple[int, int]:
    return connect(list(round_dirs)).execute(f"SELECT count(DISTINCT problem_id), count(*) FROM samples WHERE {where}").fetchone()


@pytest.fixture(scope="module")
def tokenizer():
    return load_tokenizer(read_manifest(FIXTURE))


@pytest.fixture(scope="module")
def detok(tokenizer):
    """Built once: its byte table covers the whole vocabulary (most of a property example's time if rebuilt)."""
    return Detokenizer(tokenizer)


@pytest.fixture(scope="module")
def injected_round(tmp_path_factory, tokenizer):
    """The fixture round plus one explanation whose text tries to break out of the page."""
    out = tmp_path_factory.mktemp("view") / "round1"
    tables = [read_shard(FIXTURE / name) for name in shard_names(FIXTURE)]
    first = tables[0].to_pylist()
    row = dict(next(r for r in first if r["kind"] == "explanation"))
    ids = tokenizer.encode(PAYLOAD, add_special_tokens=False).ids + [tokenizer.token_to_id("<|im_end|>")]
    lps = [-((j * 37) % 11) * 0.41 - 0.004 for j in range(len(ids))]
    row.update(sample_index=9, completion=PAYLOAD, completion_token_ids=ids, gen_token_logprobs=lps,
               policy_token_logprobs=lps, policy_logprob_sum=sum(lps), policy_logprob_mean=sum(lps) / len(ids),
               num_tokens=len(ids), is_correct=False, extracted_answer=None, mentions_answer_hint=False)
    tables[0] = pa.Table.from_pylist(first + [row], schema=tables[0].schema)
    manifest = read_manifest(FIXTURE)
    write_round(out, tables, manifest)
    return out, row


@pytest.fixture(scope="module")
def page(injected_round, tmp_path_factory):
    out, _ = injected_round
    proc = run_cli("expo-data", "view", out, check=True)
    assert "wrote" in proc.stderr and "problems" in proc.stderr
    return out / "view.html"


@pytest.mark.slow
def test_page_renders_every_problem_and_sample(page, injected_round, tmp_path):
    dom = Dom(browse(page, tmp_path))
    assert summary(dom) == counts([injected_round[0]]) == (6, 31)
    assert len(dom.has_class("problem")) == 6 and len(dom.has_class("sample")) == 31
    # The header: manifest and the quality table with quality_report.sql's own numbers (3 decimals).
    assert any(text(e) == "SmolLM2-135M-Instruct" or text(e).endswith("SmolLM2-135M-Instruct") for e in dom.find("td"))
    quality = run_query(connect([injected_round[0]]), shipped_query("quality_report"), {"group_by": "auto"}).to_pylist()
    (table,) = dom.has_class("quality")
    cells = [text(e) for e in dom.elements if e["tag"] == "td" and e in _inside(dom, table)]
    width = len(quality[0])
    for row, got in zip(quality, [cells[i:i + width] for i in range(0, len(cells), width)]):
        for value, shown in zip(row.values(), got):
            if isinstance(value, float):
                assert float(shown) == pytest.approx(value, abs=5e-4)
            elif value is not None:
                assert shown == str(value)
    # The report plots inline, as a data: URI (the page loads nothing).
    (img,) = dom.find("img")
    assert img["attrs"]["src"].startswith("data:image/png;base64,")


def _inside(dom: Dom, container) -> list:
    return [e for e in dom.elements if id(container) in e["ancestors"]]


@pytest.mark.slow
@pytest.mark.parametrize("fragment, where", [
    ("kind=attempt&correct=1", "kind = 'attempt' AND is_correct"),
    ("kind=explanation", "kind = 'explanation'"),
    ("correct=0&hint=0", "NOT is_correct AND NOT mentions_answer_hint"),
    ("group=2", "level = 2"),
    ("q=%3C%2Fscript%3E", "contains(completion, '</script>')"),
])
def test_filters_in_the_url_change_what_is_shown(page, injected_round, tmp_path, fragment, where):
    dom = Dom(browse(page, tmp_path, fragment))
    expected = counts([injected_round[0]], where)
    assert summary(dom) == expected and expected != (6, 31)
    assert len(dom.has_class("sample")) == expected[1]


def menu(dom: Dom, name: str) -> str:
    """The label of the option a filter menu shows."""
    (chosen,) = [e for e in dom.find("option", selected="") if any(id(s) in e["ancestors"] for s in dom.find("select", name=name))]
    return text(chosen)


@pytest.mark.slow
@pytest.mark.parametrize("fragment, same_as", [("correct=true", "correct=1"), ("correct=FALSE", "correct=0"),
                                               ("hint=false&correct=true", "hint=0&correct=1")])
def test_true_and_false_are_aliases_of_the_yes_no_filters(page, tmp_path, fragment, same_as):
    alias, plain = Dom(browse(page, tmp_path, fragment)), Dom(browse(page, tmp_path, same_as))
    assert summary(alias) == summary(plain) and summary(plain)[1] > 0
    assert menu(alias, "correct") == menu(plain, "correct") != "all"


@pytest.mark.slow
@pytest.mark.parametrize("fragment, name", [("correct=maybe", "correct"), ("kind=thought", "kind"), ("sel=winner", "sel")])
def test_an_unknown_filter_value_is_named_in_its_menu(page, tmp_path, fragment, name):
    """A value no option has filters out every sample: the menu says so instead of showing "all"."""
    dom = Dom(browse(page, tmp_path, fragment))
    assert summary(dom) == (0, 0)
    assert menu(dom, name) == f"unknown: {fragment.split('=')[1]} (matches nothing)"
    assert menu(Dom(browse(page, tmp_path, "")), name) == "all"


@pytest.mark.slow
def test_selection_roles_come_from_the_rules(page, injected_round, tmp_path):
    """The injected row changed the shards, so the stored selection is stale: the page shows the
    default selection computed with the shipped queries, and writes nothing into the round."""
    out, _ = injected_round
    con = connect([out])
    positives = run_query(con, shipped_query("select_positives")).num_rows
    pairs = run_query(con, shipped_query("select_pairs")).num_rows
    assert summary(Dom(browse(page, tmp_path, "sel=positive")))[1] == positives > 0
    assert summary(Dom(browse(page, tmp_path, "sel=rejected")))[1] == pairs
    assert not (out / "selected").exists()
    dom = Dom(browse(page, tmp_path, "sel=none&kind=explanation"))
    assert all(text(e).startswith(("not selected:", "passes the rules")) for e in dom.has_class("why"))


@pytest.mark.slow
def test_tokens_carry_their_log_prob_and_model_text_runs_nothing(page, injected_round, tmp_path, tokenizer):
    _, row = injected_round
    html = page.read_text()
    assert "</script><script>window.__pwned" not in html and "<img src=x" not in html
    dom = Dom(browse(page, tmp_path, "q=" + "%F0%9F%8E%89"))  # the emoji: only the injected sample matches
    assert summary(dom) == (1, 1)
    (completion,) = dom.has_class("completion")
    spans = [e for e in dom.has_class("tok") if e in _inside(dom, completion) and e["tag"] == "span"]
    assert len(spans) == len(row["completion_token_ids"])
    assert [s["attrs"]["title"] for s in spans] == [f"log p {v:.2f}".replace("-0.00", "0.00") for v in row["policy_token_logprobs"]]
    # Per-token text, multi-byte characters whole: the tokens spell the completion and its end token.
    assert "".join(text(s) for s in spans) == PAYLOAD + "<|im_end|>"
    assert "\ufffd" not in text(completion) and "🎉" in text(completion)
    # Nothing ran or was parsed as markup: no pwned mark, no element but the page's own.
    (root,) = dom.find("html")
    assert "data-pwned" not in root["attrs"]
    assert len(dom.find("script")) == 2 and len(dom.find("img")) == 1
    assert PAYLOAD.split("\u2028")[0] in text(completion)


@pytest.mark.slow
def test_the_pwned_check_can_fail(tmp_path):
    """The same payload pasted into a page as markup does set the mark: the check above can fail."""
    raw = tmp_path / "raw.html"
    raw.write_text(f"<!doctype html><html><body><div>{PAYLOAD}</div></body></html>")
    (root,) = Dom(browse(raw, tmp_path)).find("html")
    assert root["attrs"].get("data-pwned") in ("script", "img")


@pytest.mark.slow
def test_screenshot(page, tmp_path):
    shot = tmp_path / "view.png"
    browse(page, tmp_path, screenshot=shot)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000


@pytest.fixture(scope="module")
def two_rounds(tmp_path_factory):
    """The fixture round as round 1 (with its stored selection) and a copy as round 2."""
    base = tmp_path_factory.mktemp("two")
    first = base / "round1"
    shutil.copytree(FIXTURE, first)
    tables = [read_shard(FIXTURE / name) for name in shard_names(FIXTURE)]
    tables = [t.set_column(t.schema.get_field_index("round"), "round", pa.array([2] * t.num_rows, pa.int32()))
              for t in tables]
    write_round(base / "round2", tables, dict(read_manifest(FIXTURE), round=2))
    return first, base / "round2"


@pytest.mark.slow
def test_two_rounds_side_by_side(two_rounds, tmp_path):
    first, second = two_rounds
    out = tmp_path / "both.html"
    run_cli("expo-data", "view", first, second, "-o", out, check=True)
    dom = Dom(browse(out, tmp_path))
    assert summary(dom) == (6, 60)
    assert len(dom.has_class("col")) == 12  # each problem: one column per round
    assert {text(e) for e in dom.find("h4")} == {"round 1", "round 2"}
    # Round 1's roles come from its stored selection (selected/*.arrow), round 2's are computed.
    stored = json.loads((first / "selected" / "selection.json").read_text())
    assert summary(Dom(browse(out, tmp_path, "sel=positive")))[1] == 2 * stored["rows"]["positives"]
    assert summary(Dom(browse(out, tmp_path, "sel=chosen")))[1] == 2 * stored["rows"]["pairs"]


def test_where_and_limit_problems(two_rounds, tmp_path):
    first, _ = two_rounds
    data, n = build_page([first], where="kind = 'explanation' AND level <= 3", plots=False)
    assert (n["problems"], n["samples"]) == counts([first], "kind = 'explanation' AND level <= 3")
    data, n = build_page([first], limit_problems=2, plots=False)
    first_two = "problem_id IN (SELECT DISTINCT problem_id FROM samples ORDER BY problem_id LIMIT 2)"
    assert n["problems"] == 2 and n["samples"] == counts([first], first_two)[1]


@pytest.mark.parametrize("args, message", [
    (["--where", "kind ="], "--where is not a valid expression"),
    (["--where", "num_tokens"], "--where must be a boolean expression"),
    (["--where", "true) UNION SELECT (1"], "--where is not a valid expression"),
    (["--where", "true; DROP VIEW samples"], "--where is not a valid expression"),
    (["--limit-problems", "0"], "--limit-problems must be >= 1"),
])
def test_bad_options_end_in_one_line(two_rounds, tmp_path, args, message):
    first, _ = two_rounds
    out = tmp_path / "bad.html"
    proc = run_cli("expo-data", "view", first, "-o", out, *args)
    assert proc.returncode == 2 and proc.stderr.startswith(f"error: {message}") and proc.stderr.count("\n") == 1, proc.stderr
    assert not out.exists()


def test_a_page_past_the_limit_is_refused_and_nothing_is_written(two_rounds, tmp_path):
    first, _ = two_rounds
    out = tmp_path / "big.html"
    whole = len(build_page([first])[0])
    for limit in (2_000, whole - 1):  # refused by the estimate up front / while streaming
        with pytest.raises(ExpoError, match=r"would pass .* narrow it with --where .* or --limit-problems N"):
            write_view([first], out, max_bytes=limit, log=lambda m: None)
        assert not out.exists() and not list(tmp_path.glob(".big.html*"))


@pytest.mark.slow
def test_open_round_local_and_s3(two_rounds, s3_bucket):
    from expo_data.store.storage import Store

    first, _ = two_rounds
    expected = counts([first])[1]
    local = open_round(first)
    assert local.relation.count("*").fetchall()[0][0] == expected
    assert local.arrow().num_rows == expected and local.df().shape[0] == expected
    assert local.relation.filter("kind = 'attempt'").count("*").fetchall()[0][0] == counts([first], "kind = 'attempt'")[1]
    assert local.manifest["round"] == 1 and local.problems.count("*").fetchall()[0][0] == 6
    uri = f"{s3_bucket}/view/round1"
    Store(uri).upload_dir(first, "", last="manifest.json")
    # In a process of its own, like a notebook's: the S3 server (moto) runs in this one, and a scan here
    # would hold the interpreter it needs to answer.
    script = ("import sys; from expo_data import open_round; r = open_round(sys.argv[1]); t = r.arrow(); "
              "print(t.num_rows, set(t.column('round_dir').to_pylist()) == {sys.argv[1]}, "
              "r.relation.filter(\"kind = 'attempt'\").count('*').fetchall()[0][0], r.df().shape[0])")
    proc = subprocess.run([sys.executable, "-c", script, uri], capture_output=True, text=True, timeout=300)
    assert proc.stdout.split() == [str(expected), "True", str(counts([first], "kind = 'attempt'")[1]), str(expected)], proc.stderr[-2000:]
    # The page of a round on object storage goes to ./view.html unless -o names a place, there or local.
    assert default_output(uri) == Path("view.html") and default_output(first) == first / "view.html"
    run_cli("expo-data", "view", uri, "-o", f"{uri}/view.html", check=True)
    assert b'"problems":[' in Store(uri).read_bytes("view.html")


# ---------------------------------------------------------------------------
# Per-token text: the tokens, joined, are the tokenizer's own decoding of the whole sequence.
# ---------------------------------------------------------------------------
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60))
def test_pieces_join_to_the_decoded_text(tokenizer, detok, text_):
    ids = tokenizer.encode(text_, add_special_tokens=False).ids
    pieces = detok.pieces(ids)
    assert len(pieces) == len(ids)
    assert "".join(pieces) == detok.decode(ids)
    # The generic sliding-window path (SentencePiece tokenizers) agrees with the byte-level one.
    assert "".join(detok.windowed(ids)) == "".join(pieces)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(list("ab 1+=.\n{}$\\") + ["é", "日本", "語", "🎉", "👩\u200d🔬", "∑", "→"]), max_size=40).map("".join))
def test_pieces_spell_the_text(tokenizer, detok, text_):
    """Model text (letters, digits, CJK, emoji, maths): no character is split into replacement marks."""
    ids = tokenizer.encode(text_, add_special_tokens=False).ids
    assert "".join(detok.pieces(ids)) == text_


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.integers(min_value=0, max_value=49151), max_size=40))
def test_pieces_of_any_token_sequence(detok, ids):
    """Sampled ids need not form valid UTF-8: broken bytes read as U+FFFD, as the tokenizer decodes them."""
    assert "".join(detok.pieces(ids)) == detok.decode(ids)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.one_of(st.integers(min_value=0, max_value=49151), st.integers(min_value=-2**31, max_value=-1),
                          st.integers(min_value=49152, max_value=2**31 - 1)), max_size=40))
def test_ids_outside_the_vocabulary_show_as_replacement_marks(detok, ids):
    """A hand-edited or foreign round's token ids (negative, past the vocabulary) are one U+FFFD each,
    never an internal error; the runs of real tokens between them decode as they would alone."""
    pieces = detok.pieces(ids)
    assert len(pieces) == len(ids)
    start = 0
    for k in [k for k, i in enumerate(ids) if not 0 <= i < detok.vocab_size] + [len(ids)]:
        assert "".join(pieces[start:k]) == detok.decode(ids[start:k])
        if k < len(ids):
            assert pieces[k] == "\ufffd"
        start = k + 1
