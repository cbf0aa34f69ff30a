"""Start-up shortcuts (issue 6) must not change what the command does.

- The rjieba engine is built from the compiled module alone (the package's `__init__` builds a
  default instance nobody uses): its words must be those of an engine built through `import rjieba`.
- Each process starts fresh here (subprocess), since whether rjieba was imported before decides the path.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import ROOT, project_texts

pytest.importorskip("rjieba")

SEGMENT_ALL = """
import json, sys
if sys.argv[2] == "package":
    import rjieba  # the old way: the package (and its default instance) first
from xuncha.nlp.segment import cut, is_word, tag, tokenizer, user_dictionary
engine = tokenizer()
texts = json.load(open(sys.argv[1], encoding="utf-8"))
json.dump({
    "engine": engine.name,
    "package_imported": "rjieba" in sys.modules,
    "plain": [engine.cut(t, False) for t in texts],
    "hmm": [engine.cut(t, True) for t in texts[:300]],
    "cut": [cut(t) for t in texts],
    "tags": [tag(t) for t in texts[:300]],
    "user_words": all(is_word(w) for w, _, _ in user_dictionary()),
}, sys.stdout, ensure_ascii=False)
"""


def run_python(code: str, *args: str, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                          cwd=cwd or ROOT.parent, timeout=300)


@pytest.fixture(scope="module")
def segmented(tmp_path_factory):
    """The samples, the seeds (when present) and the labelled statements, segmented in two fresh
    processes: engine built from the compiled module alone ("direct"), and through the package."""
    texts = project_texts()
    assert len(texts) > 1000
    path = tmp_path_factory.mktemp("startup") / "texts.json"
    path.write_text(json.dumps(texts, ensure_ascii=False), encoding="utf-8")
    out = {}
    for way in ("direct", "package"):
        done = run_python(SEGMENT_ALL, str(path), way)
        assert done.returncode == 0, done.stderr[-2000:]
        out[way] = json.loads(done.stdout)
    return out


def test_the_direct_way_skips_the_package_default_instance(segmented):
    assert segmented["direct"]["engine"] == "rjieba"
    assert segmented["direct"]["package_imported"] is False
    assert segmented["package"]["package_imported"] is True


@pytest.mark.parametrize("kind", ["plain", "hmm", "cut", "tags"])
def test_words_identical_either_way(segmented, kind):
    direct, package = segmented["direct"][kind], segmented["package"][kind]
    assert len(direct) == len(package) > 0
    differing = [i for i, (a, b) in enumerate(zip(direct, package)) if a != b]
    assert not differing, f"{len(differing)} texts segmented differently, first #{differing[0]}"


def test_user_dictionary_loaded_either_way(segmented):
    assert segmented["direct"]["user_words"] and segmented["package"]["user_words"]


def test_rjieba_package_still_usable_after_direct_load():
    """Code that imports rjieba later gets a working package (its default instance included)."""
    code = """
import sys
from xuncha.nlp.segment import tokenizer
engine = tokenizer()
assert "rjieba" not in sys.modules
import rjieba
assert rjieba.Jieba is type(engine.jieba)
print("|".join(rjieba.cut("县纪委监委开展专项巡察", False)))
print("|".join(rjieba.Jieba().cut("县纪委监委开展专项巡察", False)))
"""
    done = run_python(code)
    assert done.returncode == 0, done.stderr[-2000:]
    first, second = done.stdout.split()
    assert first == second and "巡察" in first.split("|")


def test_falls_back_to_the_package_when_the_module_cannot_be_loaded():
    code = """
import sys
from xuncha.nlp import segment

def missing():
    raise ImportError("no compiled module here")

segment._load_rjieba_extension = missing
engine = segment.tokenizer()
assert engine.name == "rjieba" and "rjieba" in sys.modules
assert all(engine.has_word(w) for w, _, _ in segment.user_dictionary())
print("|".join(segment.cut("县纪委监委开展专项巡察")))
"""
    done = run_python(code)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split()[0].split("|")[0] == "县纪委监委"



# ---- the dictionary is loaded on the first use of words ------------------------------------

def test_engine_name_known_before_the_dictionary_loads():
    code = """
from xuncha.nlp import segment
from xuncha.nlp.segment import engine_tag
engine = segment.tokenizer()
print(engine.name, engine_tag().startswith("rjieba"), engine._built is None)
words = segment.cut("县纪委监委开展专项巡察")
print(type(engine._built).__name__, words[0], segment.tokenizer() is engine)
"""
    done = run_python(code)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["rjieba", "True", "True", "RjiebaEngine", "县纪委监委", "True"]


@pytest.mark.parametrize("chosen, fails, want", [("jieba", False, "JiebaEngine"), ("rjieba", True, "JiebaEngine"),
                                                 ("rjieba", False, "RjiebaEngine")])
def test_named_engine_is_the_one_built(chosen, fails, want):
    """XUNCHA_SEGMENTER, and rjieba missing (its class cannot be imported): the name said before
    the dictionary loads is the name of the engine then built."""
    code = f"""
import os
os.environ["XUNCHA_SEGMENTER"] = {chosen!r}
from xuncha.nlp import segment
if {fails!r}:
    def missing():
        raise ImportError("rjieba is not installed")
    segment.rjieba_class = missing
engine = segment.tokenizer()
name = engine.name
engine.cut("巡察", False)
print(name, engine._built.name, type(engine._built).__name__)
"""
    done = run_python(code)
    assert done.returncode == 0, done.stderr[-2000:]
    name, built, kind = done.stdout.split()
    assert name == built and kind == want


def test_unknown_engine_still_refused_at_once():
    done = run_python("import os; os.environ['XUNCHA_SEGMENTER'] = 'nope'\n"
                      "from xuncha.nlp.segment import tokenizer\ntokenizer()")
    assert done.returncode == 1 and "unknown segmenter 'nope'" in done.stderr


def test_unchanged_ingest_loads_no_dictionary(tmp_path):
    """A second ingest of the same file finds it unchanged without segmenting anything."""
    sample = ROOT / "samples" / "documents" / "repost" / "lanxi-xuncha-feedback-repost.txt"
    code = f"""
import sys
from xuncha.nlp import segment
built = []
make = segment.make_engine
segment.make_engine = lambda *a: built.append(1) or make(*a)
sys.argv = ["xuncha", "ingest", {str(sample)!r}, "--db", {str(tmp_path / "c.db")!r}, "--workers", "1"]
from xuncha.cli import main
try:
    main()
except SystemExit as e:
    assert e.code == 0, e.code
print(len(built))
"""
    first, again = run_python(code), run_python(code)
    assert first.returncode == 0 and again.returncode == 0, (first.stderr + again.stderr)[-2000:]
    assert "new 1" in first.stderr and first.stdout.split()[-1] == "1"
    assert "unchanged 1" in again.stderr and again.stdout.split()[-1] == "0"
