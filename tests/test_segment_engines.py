"""rjieba (the fast engine) must segment the project's texts as jieba (the reference) does."""

from __future__ import annotations

import pytest

from conftest import project_texts
from xuncha.nlp.segment import JiebaEngine, RjiebaEngine, user_dictionary

pytest.importorskip("rjieba")


def spans(tokens) -> set[tuple[int, int]]:
    out, pos = set(), 0
    for tok in tokens:
        out.add((pos, pos + len(tok)))
        pos += len(tok)
    return out


def agreement(a_docs, b_docs) -> float:
    same = total = 0
    for a, b in zip(a_docs, b_docs):
        sa, sb = spans(a), spans(b)
        same += len(sa & sb)
        total += max(len(sa), len(sb))
    return same / total


@pytest.fixture(scope="module")
def engines():
    userdict = user_dictionary()
    return JiebaEngine(userdict), RjiebaEngine(userdict)


@pytest.fixture(scope="module")
def texts():
    found = project_texts()  # the samples, the seeds (when present) and every labelled statement
    assert len(found) > 1000
    return found


@pytest.mark.parametrize("hmm", [False, True])
def test_engines_agree_on_words(engines, texts, hmm):
    ref, fast = engines
    ratio = agreement([ref.cut(t, hmm) for t in texts], [fast.cut(t, hmm) for t in texts])
    assert ratio >= 0.995, f"rjieba agrees with jieba on {ratio:.4f} of tokens"


def test_engines_agree_on_tags(engines, texts):
    ref, fast = engines
    same = total = 0
    for t in texts[:400]:
        a, b = ref.tag(t, False), fast.tag(t, False)
        total += max(len(a), len(b))
        same += len(set(enumerate(a)) & set(enumerate(b)))
    assert same / total >= 0.99


def test_user_dictionary_words_known_to_both(engines):
    ref, fast = engines
    words = [w for w, _, _ in user_dictionary()]
    assert len(words) > 300
    assert all(ref.has_word(w) and fast.has_word(w) for w in words)


def test_engines_agree_on_hmm_tags_of_name_windows(engines):
    """Person extraction tags short windows with HMM to find unknown names: both engines agree."""
    ref, fast = engines
    for window in ["县委书记 王五说。", "记者张三 通讯员 李四报道", "区委书记贺明远在会上", "王建国通报了情况"]:
        assert fast.tag(window, True) == ref.tag(window, True)


def name_windows(texts) -> list[str]:
    """The short windows person extraction tags with HMM: after and before each surname."""
    from xuncha.nlp import persons

    v = persons._vocab()
    found = set()
    for t in texts:
        for pos in range(len(t)):
            if persons._surname_at(t, pos, v):
                found.update((t[pos : pos + 8], t[max(0, pos - 4) : pos + 2], t[max(0, pos - 6) : pos]))
    return sorted(found)


def test_replayed_name_model_tags_as_jieba_posseg(engines, texts):
    """fast.tag(hmm=True) replays jieba.posseg over jieba-rs's dictionary route; it differs from jieba
    itself only where the two engines' dictionary routes differ (可支配 vs 可|支配)."""
    ref, fast = engines
    windows = name_windows(texts)[::3]
    assert len(windows) > 5000
    route_differs = 0
    for w in windows:
        got, want = fast.tag(w, True), ref.tag(w, True)
        if got != want:
            assert fast.cut(w, False) != ref.cut(w, False), (w, got, want)
            route_differs += 1
    assert route_differs <= len(windows) / 1000
    assert any(flag == "nr" for w in windows[:2000] for _, flag in fast.tag(w, True))


def test_mixed_script_windows_are_replayed_too():
    """Letters and digits among names (张三2人, 李四A组) are tagged without loading a second jieba."""
    fast = RjiebaEngine(user_dictionary())
    ref = JiebaEngine(user_dictionary())
    for window in ["张建国等3人", "王五2019年", "李四A组组长", "赵六、钱七 等", "孙八3.5万元"]:
        assert fast.tag(window, True) == ref.tag(window, True), window
    assert fast._reference is None


def test_viterbi_gives_jieba_posseg_paths(texts):
    """PossegHMM.viterbi skips the previous states that cannot lead to a state: same paths as
    jieba.posseg.viterbi on runs of characters from the project's texts and on random ones."""
    import random
    import re

    from jieba.posseg.viterbi import viterbi

    from xuncha.nlp.name_hmm import posseg_hmm

    hmm = posseg_hmm()
    rng = random.Random(3)
    runs = sorted({r[:8] for t in texts[:250] for r in re.findall("[\u4e00-\u9fd5]{2,}", t)})
    chars = sorted(set("".join(runs)))
    runs += ["".join(rng.choice(chars) for _ in range(rng.randint(1, 9))) for _ in range(300)]
    assert len(runs) > 1000
    for run in runs:
        assert hmm.viterbi(run) == viterbi(run, hmm.states, hmm.start, hmm.trans, hmm.emit)[1], run
